//go:build ignore

// idle_conns opens N keep-alive connections to an exporter, sends one scrape on each and
// reads the answer (401 when --web.config.file asks for a password), then leaves them all
// idle and reports every 10 s how many the exporter has closed. It measures the HTTP
// server's idle timeout (docs/reliability.md, Decisions):
//
//	go run scripts/idle_conns.go 127.0.0.1:10085 1000
package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: go run scripts/idle_conns.go HOST:PORT N")
		os.Exit(2)
	}
	addr := os.Args[1]
	n, err := strconv.Atoi(os.Args[2])
	if err != nil || n < 1 {
		fmt.Fprintln(os.Stderr, "N must be a positive number")
		os.Exit(2)
	}
	closed := make(chan struct{}, n)
	for i := range n {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			fmt.Println("dial:", err)
			os.Exit(1)
		}
		br := bufio.NewReader(c)
		if _, err := io.WriteString(c, "GET /metrics HTTP/1.1\r\nHost: exporter\r\n\r\n"); err != nil {
			fmt.Println("write:", err)
			os.Exit(1)
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			fmt.Println("read:", err)
			os.Exit(1)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close() // read to its end above; the connection stays open
		if i == 0 {
			fmt.Println("status", resp.StatusCode)
		}
		go func() { _, _ = br.ReadByte(); closed <- struct{}{} }()
	}
	fmt.Println(n, "connections idle")
	start := time.Now()
	tick := time.NewTicker(10 * time.Second)
	for count := 0; count < n; {
		select {
		case <-closed:
			count++
		case <-tick.C:
			fmt.Printf("after %v: %d closed by the exporter\n", time.Since(start).Round(time.Second), count)
			if time.Since(start) > 10*time.Minute {
				fmt.Println("giving up")
				os.Exit(1)
			}
		}
	}
	fmt.Printf("all %d closed by the exporter after %v\n", n, time.Since(start).Round(time.Second))
}
