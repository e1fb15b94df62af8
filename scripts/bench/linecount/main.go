// Command linecount counts the lines of files with a plain bufio.Scanner: the floor that
// scripts/bench_report.sh measures the report against (reading the same bytes and finding
// their line ends, nothing more).
package main

import (
	"bufio"
	"fmt"
	"os"
)

func main() {
	total := 0
	for _, path := range os.Args[1:] {
		f, err := os.Open(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "linecount:", err)
			os.Exit(1)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			total++
		}
		if err := sc.Err(); err != nil {
			fmt.Fprintln(os.Stderr, "linecount:", path, err)
			os.Exit(1)
		}
		f.Close()
	}
	fmt.Println(total)
}
