# SPDX-License-Identifier: MIT
# linker.hot -> hot.ld (linker.ld includes it): one input-section line per
# function name, in order. Comments (#) and blank lines go; a line that is
# anything else than one name, spaces around it allowed, fails, saying which.
# Run as: awk -f scripts/hot-ld.awk linker.hot > hot.ld
{
	line = $0
	sub(/#.*/, "")
	sub(/^[[:space:]]+/, "")
	sub(/[[:space:]]+$/, "")
}
$0 == "" { next }
/^[A-Za-z_][A-Za-z0-9_]*$/ { print "*(.text." $0 " .text." $0 ".*)"; next }
{
	print FILENAME ":" NR ": not a function name: " line > "/dev/stderr"
	exit 1
}
