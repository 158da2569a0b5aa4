// Package cache is pvmd's code cache: compiled programs, content-addressed by
// the blake2b-256 hash of the program blob (as JAM code hashes are) and keyed
// also by how the blob was read, the profile and the engine.
//
// It is an LRU bounded in bytes. Concurrent requests for the same key build
// the program once. A compiled program is Released only when it has been
// evicted (or was never admitted) and no Handle to it remains, so instances
// can keep running programs the cache has let go of.
package cache

import (
	"bytes"
	"container/list"
	"context"
	"encoding/hex"
	"fmt"
	"hash/maphash"
	"slices"
	"sync"
	"sync/atomic"

	"golang.org/x/crypto/blake2b"

	"github.com/pvmd/pvmd/vm"
)

// Hash is a code hash: the blake2b-256 digest of a program blob.
type Hash [32]byte

// HashOf returns the code hash of blob.
func HashOf(blob []byte) Hash { return blake2b.Sum256(blob) }

func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// Key identifies one compiled form of a program.
type Key struct {
	Hash Hash
	// Format says how the blob was read (caller-defined, e.g. code blob or
	// standard program): the same bytes read differently are different
	// programs.
	Format  uint8
	Profile vm.Profile
	Engine  string
}

func (k Key) String() string {
	return fmt.Sprintf("%s (format %d, %s, %s)", k.Hash, k.Format, k.Profile, k.Engine)
}

// Program is what a build produces and the cache keeps.
type Program struct {
	Compiled vm.Compiled
	// Decoded is the caller's decoded form of the blob (for example its
	// memory layout); the cache does not look at it.
	Decoded any
	// Blob is the program's bytes, kept so that the same program can be
	// built for another profile or engine from its hash alone.
	Blob []byte
	// Size is what the entry counts against the byte bound.
	Size int64
}

// Stats are the cache's counters.
type Stats struct {
	Hits, Misses, Evictions uint64
	// Bytes and Entries are what the cache holds now.
	Bytes   int64
	Entries int
}

type entry struct {
	key      Key
	prog     Program
	refs     int // handles, plus one while resident
	resident bool
	elem     *list.Element
}

// call is a build in progress that other requests for the key wait on.
type call struct {
	done    chan struct{}
	e       *entry
	err     error
	waiters int // waiters still waiting; each is given a reference
}

// Cache is safe for concurrent use.
type Cache struct {
	maxBytes int64

	mu      sync.Mutex
	entries map[Key]*entry
	byHash  map[Hash]map[Key]*entry
	// byFast indexes resident entries by a fast (non-cryptographic) hash of
	// their blob, so that HashOf can skip blake2b for known blobs.
	byFast  map[uint64][]*entry
	seed    maphash.Seed
	lru     *list.List // front: most recently used
	pending map[Key]*call
	bytes   int64

	hits, misses, evictions atomic.Uint64
}

// New returns a cache that holds at most maxBytes of programs (by their
// Size). A program larger than that is still built and handed out, but not
// kept.
func New(maxBytes int64) *Cache {
	return &Cache{
		maxBytes: maxBytes,
		entries:  make(map[Key]*entry),
		byHash:   make(map[Hash]map[Key]*entry),
		byFast:   make(map[uint64][]*entry),
		seed:     maphash.MakeSeed(),
		lru:      list.New(),
		pending:  make(map[Key]*call),
	}
}

// MaxBytes is the bound New was given.
func (c *Cache) MaxBytes() int64 { return c.maxBytes }

// Handle is one reference to a cached program. Release it when done; the
// program stays valid until then, whatever the cache evicts.
type Handle struct {
	c        *Cache
	e        *entry
	released atomic.Bool
}

// Key is the key the program was built for.
func (h *Handle) Key() Key { return h.e.key }

// Program returns the program. It must not be used after Release.
func (h *Handle) Program() *Program { return &h.e.prog }

// Release drops the reference. Calling it again does nothing.
func (h *Handle) Release() {
	if h.released.Swap(true) {
		return
	}
	h.c.mu.Lock()
	release := h.c.unref(h.e)
	h.c.mu.Unlock()
	if release != nil {
		release.Release()
	}
}

// unref drops one reference and returns what to Release (outside the lock)
// when it was the last one.
func (c *Cache) unref(e *entry) vm.Compiled {
	e.refs--
	if e.refs == 0 {
		return e.prog.Compiled
	}
	return nil
}

// Get returns a handle to the program for key, calling build to make it on a
// miss. Concurrent Gets for the same key wait for one build. hit reports that
// this call did not build (the program was cached or another call built it).
// A failed build is not cached. ctx only bounds the wait for another call's
// build.
func (c *Cache) Get(ctx context.Context, key Key, build func() (Program, error)) (h *Handle, hit bool, err error) {
	c.mu.Lock()
	if e, ok := c.entries[key]; ok {
		e.refs++
		c.lru.MoveToFront(e.elem)
		c.mu.Unlock()
		c.hits.Add(1)
		return &Handle{c: c, e: e}, true, nil
	}
	if cl, ok := c.pending[key]; ok {
		cl.waiters++
		c.mu.Unlock()
		return c.wait(ctx, cl)
	}
	cl := &call{done: make(chan struct{})}
	c.pending[key] = cl
	c.mu.Unlock()
	c.misses.Add(1)

	var prog Program
	completed := false
	defer func() {
		if !completed { // build panicked: let the waiters go, then re-panic
			c.finish(key, cl, nil, fmt.Errorf("building %s panicked", key))
		}
	}()
	prog, err = build()
	completed = true
	if err != nil {
		c.finish(key, cl, nil, err)
		return nil, false, err
	}
	e := &entry{key: key, prog: prog}
	c.finish(key, cl, e, nil)
	return &Handle{c: c, e: e}, false, nil
}

// finish publishes a build's outcome: admits the entry (evicting as needed),
// hands one reference to each waiter and the builder, and wakes the waiters.
func (c *Cache) finish(key Key, cl *call, e *entry, err error) {
	var toRelease []vm.Compiled
	c.mu.Lock()
	delete(c.pending, key)
	cl.e, cl.err = e, err
	if e != nil {
		e.refs = 1 + cl.waiters // the builder and every waiter
		if e.prog.Size <= c.maxBytes {
			e.resident = true
			e.refs++
			e.elem = c.lru.PushFront(e)
			c.entries[key] = e
			m := c.byHash[key.Hash]
			if m == nil {
				m = make(map[Key]*entry)
				c.byHash[key.Hash] = m
			}
			m[key] = e
			if e.prog.Blob != nil {
				f := maphash.Bytes(c.seed, e.prog.Blob)
				c.byFast[f] = append(c.byFast[f], e)
			}
			c.bytes += e.prog.Size
			toRelease = c.evictLocked(e)
		}
	}
	close(cl.done)
	c.mu.Unlock()
	for _, r := range toRelease {
		r.Release()
	}
}

// evictLocked evicts least recently used entries (never keep) until the
// cache fits its bound.
func (c *Cache) evictLocked(keep *entry) []vm.Compiled {
	var out []vm.Compiled
	for c.bytes > c.maxBytes {
		back := c.lru.Back()
		if back == nil {
			break
		}
		e := back.Value.(*entry)
		if e == keep {
			break
		}
		if r := c.removeLocked(e); r != nil {
			out = append(out, r)
		}
		c.evictions.Add(1)
	}
	return out
}

// removeLocked takes a resident entry out of the cache and drops the cache's
// reference to it.
func (c *Cache) removeLocked(e *entry) vm.Compiled {
	c.lru.Remove(e.elem)
	e.elem, e.resident = nil, false
	delete(c.entries, e.key)
	if m := c.byHash[e.key.Hash]; m != nil {
		delete(m, e.key)
		if len(m) == 0 {
			delete(c.byHash, e.key.Hash)
		}
	}
	if e.prog.Blob != nil {
		f := maphash.Bytes(c.seed, e.prog.Blob)
		list := slices.DeleteFunc(c.byFast[f], func(x *entry) bool { return x == e })
		if len(list) == 0 {
			delete(c.byFast, f)
		} else {
			c.byFast[f] = list
		}
	}
	c.bytes -= e.prog.Size
	return c.unref(e)
}

func (c *Cache) wait(ctx context.Context, cl *call) (*Handle, bool, error) {
	select {
	case <-cl.done:
	case <-ctx.Done():
		c.mu.Lock()
		select {
		case <-cl.done:
			// Finished while we gave up: we hold a reference to give back.
			var r vm.Compiled
			if cl.e != nil {
				r = c.unref(cl.e)
			}
			c.mu.Unlock()
			if r != nil {
				r.Release()
			}
		default:
			cl.waiters--
			c.mu.Unlock()
		}
		return nil, false, ctx.Err()
	}
	if cl.err != nil {
		return nil, false, cl.err
	}
	c.hits.Add(1)
	return &Handle{c: c, e: cl.e}, true, nil
}

// HashOf returns the code hash of blob, as the package-level HashOf does,
// but faster for a blob the cache holds: a fast hash finds it and a byte
// comparison confirms it (about ten times faster than blake2b).
func (c *Cache) HashOf(blob []byte) Hash {
	f := maphash.Bytes(c.seed, blob)
	c.mu.Lock()
	for _, e := range c.byFast[f] {
		if bytes.Equal(e.prog.Blob, blob) {
			h := e.key.Hash
			c.mu.Unlock()
			return h
		}
	}
	c.mu.Unlock()
	return HashOf(blob)
}

// Blob returns the bytes of a cached program with the given hash (built for
// any format, profile or engine), or nil.
func (c *Cache) Blob(h Hash) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.byHash[h] {
		return e.prog.Blob
	}
	return nil
}

// Contains reports whether key is cached, without counting a hit or a miss
// or changing the LRU order.
func (c *Cache) Contains(key Key) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.entries[key]
	return ok
}

// Purge evicts everything. Programs still in use are released when their
// last handle is.
func (c *Cache) Purge() {
	var toRelease []vm.Compiled
	c.mu.Lock()
	for c.lru.Len() > 0 {
		if r := c.removeLocked(c.lru.Back().Value.(*entry)); r != nil {
			toRelease = append(toRelease, r)
		}
	}
	c.mu.Unlock()
	for _, r := range toRelease {
		r.Release()
	}
}

// Stats returns the counters.
func (c *Cache) Stats() Stats {
	c.mu.Lock()
	bytes, n := c.bytes, len(c.entries)
	c.mu.Unlock()
	return Stats{Hits: c.hits.Load(), Misses: c.misses.Load(), Evictions: c.evictions.Load(), Bytes: bytes, Entries: n}
}
