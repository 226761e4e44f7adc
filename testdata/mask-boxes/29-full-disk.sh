#!/bin/sh
# Output to a full disk: exit 5 with the one-line message.
set -u
"$BIN/mask-boxes" -a 2 <testdata/mask-boxes/01-record-threshold.in \
    >/dev/full 2>/tmp/mask-boxes-full.$$
rc=$?
msg=$(cat /tmp/mask-boxes-full.$$)
rm -f /tmp/mask-boxes-full.$$
[ $rc = 5 ] &&
    [ "$msg" = "mask-boxes: writing output failed: No space left on device" ] ||
    { echo "rc $rc: $msg"; exit 1; }
