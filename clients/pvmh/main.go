// Command pvmh is pvmd's C ABI for running PVM programs in-process: built
// with
//
//	go build -buildmode=c-shared -o libpvm.so ./clients/pvmh
//
// it is a shared library implementing pvm.h. See README.md.
package main

func main() {}
