#!/bin/sh
# mask-boxes | svm-accept: 60 synthetic 48x48 error maps (noise; "fail"
# ones also carry a blob of raised error), features from mask-boxes, an
# SVM trained on the even-numbered maps must classify the odd ones.
set -u
[ -x "$BIN/svm-accept" ] || { echo "SKIP: no svm-accept"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 77; }
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
python3 - "$t" <<'PY' >"$t/all.ndjson" || exit 1
import random, struct, sys
d = sys.argv[1]
rnd = random.Random(7)
for i in range(60):
    fail = i % 3 == 0
    m = [[rnd.random() * 0.1 for x in range(48)] for y in range(48)]
    if fail:
        cx, cy = rnd.randrange(8, 40), rnd.randrange(8, 40)
        r = rnd.randrange(3, 7)
        for y in range(48):
            for x in range(48):
                if (x - cx) ** 2 + (y - cy) ** 2 <= r * r:
                    m[y][x] = 0.3 + rnd.random() * 0.4
    with open('%s/%02d.pfm' % (d, i), 'wb') as f:
        f.write(b'Pf\n48 48\n-1.0\n')
        for row in reversed(m):
            f.write(struct.pack('<48f', *row))
    print('{"map":"%s/%02d.pfm","label":"%s"}' %
          (d, i, 'fail' if fail else 'pass'))
PY
"$BIN/mask-boxes" -t 0.2 -a 4 <"$t/all.ndjson" >"$t/boxed.ndjson" || exit 1
awk 'NR % 2 == 1' "$t/boxed.ndjson" >"$t/train.ndjson"
awk 'NR % 2 == 0' "$t/boxed.ndjson" >"$t/test.ndjson"
"$BIN/svm-accept" train -o "$t/m.svm" <"$t/train.ndjson" >/dev/null ||
    exit 1
"$BIN/svm-accept" -m "$t/m.svm" <"$t/test.ndjson" >"$t/pred.ndjson" || exit 1
right=$(grep -c -e '"label":"pass".*"accept":true' \
    -e '"label":"fail".*"accept":false' "$t/pred.ndjson")
[ "$right" = 30 ] || { echo "$right of 30 test maps right"; exit 1; }
