package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"time"
)

// sink takes the generator's lines, one Write per line, and buffers them.
type sink interface {
	io.Writer
	Flush() error
}

// fileSink writes to a file and, past limit bytes, rolls it over the way many Windows
// services do: the file is renamed to <path>.1 (older ones shifted to .2, .3, ... and the
// oldest beyond keep dropped) and a new file is created under the old name. It rolls only
// between lines.
type fileSink struct {
	path  string
	limit int64 // 0: never roll
	keep  int
	f     *os.File
	w     *bufio.Writer
	size  int64
}

func newFileSink(path string, limit int64, keep int) (*fileSink, error) {
	s := &fileSink{path: path, limit: limit, keep: max(keep, 1)}
	if err := s.open(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *fileSink) open() error {
	f, err := os.Create(s.path)
	if err != nil {
		return err
	}
	s.f, s.size = f, 0
	if s.w == nil {
		s.w = bufio.NewWriterSize(f, 256<<10)
	} else {
		s.w.Reset(f)
	}
	return nil
}

func (s *fileSink) Write(line []byte) (int, error) {
	n, err := s.w.Write(line)
	s.size += int64(n)
	if err == nil && s.limit > 0 && s.size >= s.limit {
		err = s.roll()
	}
	return n, err
}

func (s *fileSink) roll() error {
	if err := s.Close(); err != nil {
		return err
	}
	for i := s.keep - 1; i >= 1; i-- {
		from := fmt.Sprintf("%s.%d", s.path, i)
		if _, err := os.Stat(from); err == nil {
			if err := os.Rename(from, fmt.Sprintf("%s.%d", s.path, i+1)); err != nil {
				return err
			}
		}
	}
	if err := os.Rename(s.path, s.path+".1"); err != nil {
		return err
	}
	return s.open()
}

func (s *fileSink) Flush() error { return s.w.Flush() }

func (s *fileSink) Close() error {
	if err := s.w.Flush(); err != nil {
		_ = s.f.Close() // the flush error is the one to report
		return err
	}
	return s.f.Close()
}

// streamSink buffers lines for a stream such as stdout.
type streamSink struct{ *bufio.Writer }

// pacer holds lines back so that no more than rate lines per second of wall time are
// written, flushing before it waits so that a follower sees each line when it is due.
type pacer struct {
	sink
	rate  float64
	start time.Time
	lines int64
	sleep func(time.Duration)
	now   func() time.Time
}

func (p *pacer) Write(line []byte) (int, error) {
	p.lines++
	due := p.start.Add(time.Duration(float64(p.lines) / p.rate * float64(time.Second)))
	if wait := due.Sub(p.now()); wait > 0 {
		if err := p.Flush(); err != nil {
			return 0, err
		}
		p.sleep(wait)
	}
	return p.sink.Write(line)
}
