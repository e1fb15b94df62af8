package main
import (
 _ "github.com/prometheus/client_golang/prometheus"
 _ "github.com/prometheus/client_golang/prometheus/testutil"
 _ "github.com/prometheus/client_golang/prometheus/collectors/version"
 _ "github.com/nxadm/tail"
 _ "github.com/alecthomas/kingpin/v2"
 _ "github.com/prometheus/exporter-toolkit/web"
 _ "github.com/prometheus/exporter-toolkit/web/kingpinflag"
 _ "github.com/prometheus/common/promslog"
 _ "github.com/prometheus/common/promslog/flag"
 _ "github.com/prometheus/common/version"
 _ "golang.org/x/sys/windows/svc"
 _ "golang.org/x/text/encoding/unicode"
 _ "go.uber.org/goleak"
)
func main(){}
