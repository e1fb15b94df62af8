// Command measure is scripts/bench.sh's yardstick. It runs a command and prints the CPU time
// it used (user+sys, from the kernel's accounting of the child, microsecond resolution) and its
// peak RSS; and it is the floor the exporter is compared with: a plain bufio.Scanner line
// count of the same file, measured the same way.
//
//	measure run OUT CMD [ARG...]        runs CMD with stdout to OUT; prints "cpu_seconds rss_mib"
//	measure lines [-defaults] FILE...   counts the files' lines with a bufio.Scanner, reading
//	                                    64 KiB at a time as the exporter does (-defaults: the
//	                                    Scanner's own 4 KiB); prints the count
package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
)

func main() {
	if len(os.Args) >= 4 && os.Args[1] == "run" {
		os.Exit(run(os.Args[2], os.Args[3], os.Args[4:]))
	}
	if len(os.Args) >= 3 && os.Args[1] == "lines" {
		files, defaults := os.Args[2:], false
		if files[0] == "-defaults" {
			files, defaults = files[1:], true
		}
		os.Exit(lines(files, defaults))
	}
	fmt.Fprintln(os.Stderr, "usage: measure run OUT CMD [ARG...] | measure lines [-defaults] FILE...")
	os.Exit(2)
}

func run(out, name string, args []string) (code int) {
	f, err := os.Create(out)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() {
		if err := f.Close(); err != nil && code == 0 {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	}()
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = f, os.Stderr
	err = cmd.Run()
	if cmd.ProcessState == nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	fmt.Printf("%.3f %.1f\n", cpu.Seconds(), float64(maxRSS(cmd.ProcessState))/(1<<20))
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		return 1
	}
	return 0
}

// lines is the floor: read the files and find their lines, nothing else.
func lines(paths []string, defaults bool) int {
	n := 0
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		sc := bufio.NewScanner(f)
		if !defaults {
			sc.Buffer(make([]byte, 64<<10), 1<<20)
		}
		for sc.Scan() {
			n++
		}
		err = sc.Err()
		_ = f.Close() // read only
		if err != nil {
			fmt.Fprintln(os.Stderr, path+":", err)
			return 1
		}
	}
	fmt.Println(n)
	return 0
}
