# Sourced by memory.sh and growth.sh (after `here` is set): dotnet-gcdump (from NuGet, under var/tools, installed if
# missing), the portal's own process id (the child of `dotnet run`) and this benchmark built in Release.
root="$(cd "$here/../.." && pwd)"
tools="$root/var/tools"
[[ -x "$tools/dotnet-gcdump" ]] || dotnet tool install dotnet-gcdump --version 10.0.750501 --tool-path "$tools" >/dev/null
# PORTAL_PID: a portal started otherwise than by ./portal up.
portal_pid="${PORTAL_PID:-$(pgrep -P "$(cat "$root/var/run/portal.pid")" | head -1)}"
dotnet build -c Release "$here" -nologo -v q >/dev/null
