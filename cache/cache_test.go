package cache

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/memory"
)

// fakeCompiled counts Release calls.
type fakeCompiled struct {
	size     int
	released atomic.Int32
}

func (f *fakeCompiled) Profile() vm.Profile                            { return vm.GP08 }
func (f *fakeCompiled) Instantiate(*memory.Memory, uint32) vm.Instance { return nil }
func (f *fakeCompiled) SizeBytes() int                                 { return f.size }
func (f *fakeCompiled) Release()                                       { f.released.Add(1) }

func key(b byte) Key { return Key{Hash: HashOf([]byte{b}), Profile: vm.GP08, Engine: "fake"} }

func builder(size int, made *[]*fakeCompiled) func() (Program, error) {
	return func() (Program, error) {
		f := &fakeCompiled{size: size}
		*made = append(*made, f)
		return Program{Compiled: f, Size: int64(size), Blob: []byte("blob")}, nil
	}
}

func TestHitMissAndHash(t *testing.T) {
	c := New(1000)
	var made []*fakeCompiled
	h1, hit, err := c.Get(context.Background(), key(1), builder(100, &made))
	if err != nil || hit {
		t.Fatalf("first Get: hit=%v err=%v", hit, err)
	}
	h2, hit, err := c.Get(context.Background(), key(1), builder(100, &made))
	if err != nil || !hit {
		t.Fatalf("second Get: hit=%v err=%v", hit, err)
	}
	if h1.Program() != h2.Program() || len(made) != 1 {
		t.Fatalf("two programs for one key (%d built)", len(made))
	}
	s := c.Stats()
	if s.Hits != 1 || s.Misses != 1 || s.Bytes != 100 || s.Entries != 1 {
		t.Fatalf("stats %+v", s)
	}
	if got := c.Blob(key(1).Hash); string(got) != "blob" {
		t.Fatalf("Blob = %q", got)
	}
	if c.Blob(key(2).Hash) != nil {
		t.Fatal("Blob of an unknown hash")
	}
	// A different engine is a different key.
	k := key(1)
	k.Engine = "other"
	if _, hit, _ := c.Get(context.Background(), k, builder(100, &made)); hit {
		t.Fatal("hit for another engine")
	}
	h1.Release()
	h1.Release() // idempotent
	h2.Release()
	if made[0].released.Load() != 0 {
		t.Fatal("released while still cached")
	}
	c.Purge()
	if made[0].released.Load() != 1 {
		t.Fatalf("released %d times after purge", made[0].released.Load())
	}
	if s := c.Stats(); s.Bytes != 0 || s.Entries != 0 {
		t.Fatalf("after purge: %+v", s)
	}
}

func TestKnownHash(t *testing.T) {
	// blake2b-256 of the empty string.
	if got := HashOf(nil).String(); got != "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8" {
		t.Fatalf("HashOf(nil) = %s", got)
	}
}

func TestEvictionWaitsForHandles(t *testing.T) {
	c := New(250)
	var made []*fakeCompiled
	ctx := context.Background()
	h1, _, _ := c.Get(ctx, key(1), builder(100, &made))
	h2, _, _ := c.Get(ctx, key(2), builder(100, &made))
	h2.Release()
	// Touch key 1 so that key 2 is the least recently used.
	h1b, _, _ := c.Get(ctx, key(1), builder(100, &made))
	h1b.Release()
	h3, _, _ := c.Get(ctx, key(3), builder(100, &made))
	defer h3.Release()
	s := c.Stats()
	if s.Evictions != 1 || s.Entries != 2 || s.Bytes != 200 {
		t.Fatalf("stats %+v", s)
	}
	if c.Contains(key(2)) || !c.Contains(key(1)) {
		t.Fatal("evicted the wrong entry")
	}
	if made[1].released.Load() != 1 {
		t.Fatal("evicted, unused program not released")
	}
	// Evict key 1 while h1 still uses it: released only when h1 goes.
	h4, _, _ := c.Get(ctx, key(4), builder(100, &made))
	defer h4.Release()
	if c.Contains(key(1)) {
		t.Fatal("key 1 not evicted")
	}
	if made[0].released.Load() != 0 {
		t.Fatal("released while an instance still uses it")
	}
	h1.Release()
	if made[0].released.Load() != 1 {
		t.Fatal("not released after the last handle")
	}
}

func TestOversizeNotKept(t *testing.T) {
	c := New(50)
	var made []*fakeCompiled
	h, hit, err := c.Get(context.Background(), key(1), builder(100, &made))
	if err != nil || hit {
		t.Fatal(hit, err)
	}
	if c.Contains(key(1)) || c.Stats().Bytes != 0 {
		t.Fatal("oversize program kept")
	}
	h.Release()
	if made[0].released.Load() != 1 {
		t.Fatal("oversize program not released")
	}
}

func TestBuildOnceConcurrently(t *testing.T) {
	c := New(1 << 20)
	var builds atomic.Int32
	f := &fakeCompiled{size: 10}
	gate := make(chan struct{})
	build := func() (Program, error) {
		builds.Add(1)
		<-gate
		return Program{Compiled: f, Size: 10}, nil
	}
	const n = 32
	var wg sync.WaitGroup
	handles := make([]*Handle, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() { handles[i], _, errs[i] = c.Get(context.Background(), key(1), build) })
	}
	// Let every goroutine reach Get before the build finishes.
	for c.waiting(key(1)) < n-1 {
		time.Sleep(time.Millisecond)
	}
	close(gate)
	wg.Wait()
	if builds.Load() != 1 {
		t.Fatalf("built %d times", builds.Load())
	}
	for i := range n {
		if errs[i] != nil || handles[i].Program().Compiled != f {
			t.Fatalf("goroutine %d: %v", i, errs[i])
		}
		handles[i].Release()
	}
	if s := c.Stats(); s.Hits != n-1 || s.Misses != 1 {
		t.Fatalf("stats %+v", s)
	}
	c.Purge()
	if f.released.Load() != 1 {
		t.Fatalf("released %d times", f.released.Load())
	}
}

// waiting is how many calls wait on key's build.
func (c *Cache) waiting(k Key) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cl := c.pending[k]; cl != nil {
		return cl.waiters
	}
	return 0
}

func TestBuildErrorNotCached(t *testing.T) {
	c := New(1000)
	boom := errors.New("boom")
	gate := make(chan struct{})
	var wg sync.WaitGroup
	var waiterErr error
	go func() {
		for c.waiting(key(1)) < 1 {
			time.Sleep(time.Millisecond)
		}
		close(gate)
	}()
	wg.Go(func() {
		for c.pendingCount() == 0 {
			time.Sleep(time.Millisecond)
		}
		_, _, waiterErr = c.Get(context.Background(), key(1), nil)
	})
	_, _, err := c.Get(context.Background(), key(1), func() (Program, error) { <-gate; return Program{}, boom })
	wg.Wait()
	if !errors.Is(err, boom) || !errors.Is(waiterErr, boom) {
		t.Fatalf("errors %v, %v", err, waiterErr)
	}
	var made []*fakeCompiled
	if _, hit, err := c.Get(context.Background(), key(1), builder(1, &made)); hit || err != nil {
		t.Fatalf("after a failed build: hit=%v err=%v", hit, err)
	}
}

func (c *Cache) pendingCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.pending)
}

func TestWaiterGivesUp(t *testing.T) {
	c := New(1000)
	f := &fakeCompiled{size: 1}
	gate := make(chan struct{})
	started := make(chan struct{})
	done := make(chan *Handle)
	go func() {
		h, _, _ := c.Get(context.Background(), key(1), func() (Program, error) {
			close(started)
			<-gate
			return Program{Compiled: f, Size: 1}, nil
		})
		done <- h
	}()
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, _, err := c.Get(ctx, key(1), nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("waiter: %v", err)
	}
	close(gate)
	h := <-done
	h.Release()
	c.Purge()
	if f.released.Load() != 1 {
		t.Fatalf("released %d times", f.released.Load())
	}
}

func TestBuildPanic(t *testing.T) {
	c := New(1000)
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("panic swallowed")
			}
		}()
		c.Get(context.Background(), key(1), func() (Program, error) { panic("bug") })
	}()
	if c.pendingCount() != 0 {
		t.Fatal("pending build left behind")
	}
	var made []*fakeCompiled
	if _, _, err := c.Get(context.Background(), key(1), builder(1, &made)); err != nil {
		t.Fatal(err)
	}
}

func TestFastHashOf(t *testing.T) {
	c := New(1 << 20)
	blob := []byte("program bytes")
	other := []byte("program bytez")
	k := Key{Hash: HashOf(blob), Engine: "fake"}
	h, _, err := c.Get(context.Background(), k, func() (Program, error) {
		return Program{Compiled: &fakeCompiled{}, Blob: blob, Size: 1}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Release()
	if c.HashOf(blob) != HashOf(blob) || c.HashOf(other) != HashOf(other) {
		t.Fatal("HashOf differs from blake2b")
	}
	c.Purge()
	if len(c.byFast) != 0 {
		t.Fatal("fast index not emptied")
	}
	if c.HashOf(blob) != HashOf(blob) {
		t.Fatal("HashOf after purge")
	}
}
