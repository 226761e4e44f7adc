# eval-lib.sh: the part of the batch evaluations that does not depend on
# the dataset layout; sourced by scripts/eval-mvtec and scripts/eval-dagm,
# which split each dataset into lists and call eval_dataset.  POSIX sh.
#
# A dataset's work directory WORK/<name>/ holds, each file written whole
# (temporary name, then renamed) and skipped when it exists, so a run that
# is interrupted resumes where it stopped:
#   train.lst val.lst lab1.lst lab5.lst eval.lst   the split (image paths)
#   ae.model                      the auto-encoder, trained on train.lst
#   ae.ckpt train-log.ndjson      its checkpoint and training log
#   val.scored lab5.scored eval.scored  ae-score records; maps in maps/
#   lab1.scored                   the lab5 records of lab1.lst
#   boxes0.ndjson m0.ndjson       setting 0: threshold by the MVTec AD rule
#                                 on the validation normals, boxes, metrics
#   thrK.ndjson trainK.ndjson labelsK.tsv svmK.model svmK.log boxesK.ndjson
#   accK.ndjson mK.ndjson         settings K = 1, 5: threshold at the pixel
#                                 F1max of the validation normals and K
#                                 labelled defect images per class; an SVM
#                                 trained on them; boxes, decisions, metrics
#   result.ndjson                 one line per class: the table's row
#   log                           every command and its messages
# WORK/summary.ndjson and WORK/table.md collect every dataset in WORK.

PROG=${PROG:-eval}
FORCE=0
AREA=16			# setting 0: the MVTec rule's minimum defect area
MB_ARGS="-a 16"		# mask-boxes options of every setting
TRAIN_ARGS="-S 900 -e 1000000"	# ae-train: a 15-minute budget, not an epoch cap
SCORE_ARGS=		# extra ae-score options
WORK=eval-work
BIN=${BIN:-$(dirname "$0")/../bin}
IMGRE='\.([Pp][Nn][Gg]|[Jj][Pp][Ee]?[Gg]|[Bb][Mm][Pp]|[Pp][GgPp][Mm]|[Tt][Gg][Aa]|[Gg][Ii][Ff])$'

say() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { say "$1"; exit "${2:-1}"; }
log() { printf '%s %s\n' "$(date '+%Y-%m-%d %H:%M:%S')" "$*" >>"$LOG"; }

# The command for a linekit tool: $BIN/<tool> if built there, else $PATH.
tool() {
	if [ -x "$BIN/$1" ]; then
		printf '%s\n' "$BIN/$1"
	else
		command -v "$1" || die "no '$1' in $BIN or on the PATH"
	fi
}

# produce OUT CMD...: run CMD with its output to OUT, written whole; skip
# when OUT exists.  Messages go to the log.
produce() {
	out=$1
	shift
	if [ -f "$out" ]; then
		log "have $out"
		return 0
	fi
	log "make $out: $*"
	if "$@" >"$out.tmp" 2>>"$LOG"; then
		mv "$out.tmp" "$out"
	else
		rc=$?
		rm -f "$out.tmp"
		log "failed, exit $rc: $*"
		say "$NAME: '$*' failed (exit $rc); see $LOG"
		return 1
	fi
}

# The image files of a directory, sorted, as paths.
images_in() {
	ls "$1" | grep -E "$IMGRE" | LC_ALL=C sort | sed "s|^|$1/|"
}

# pick LIST FILE: the records of FILE whose "image" is a line of LIST.
pick() {
	awk 'NR == FNR { want[$0] = 1; next }
	    match($0, /"image":"[^"]*"/) &&
	    substr($0, RSTART + 9, RLENGTH - 10) in want' "$1" "$2"
}

# labels VAL LAB: a labels file for svm-accept train: normals pass,
# labelled defect images fail.
labels() {
	sed 's/$/	pass/' "$1"
	sed 's/$/	fail/' "$2"
}

# The value of key in the flat record of class cls in a det-eval output.
metric() {	# file class key
	awk -v c="\"class\":\"$2\"" -v k="\"$3\":" 'index($0, c) &&
	    (i = index($0, k)) { v = substr($0, i + length(k));
	    sub(/[,}].*/, "", v); print v; exit }' "$1"
}

# ae-train on the images of list; a checkpoint every epoch, and a run
# interrupted during training continues from it.
train_ae() {	# model list
	resume=
	[ -f "$W/ae.ckpt" ] && resume="-R $W/ae.ckpt"
	"$AE_TRAIN" $TRAIN_ARGS $resume -C "$W/ae.ckpt" -L "$W/train-log.ndjson" \
	    -o "$1" <"$2"
}

score_set() {	# set: ae-score the images of set.lst, maps into maps/set/
	mkdir -p "$W/maps/$1"
	"$AE_SCORE" $SCORE_ARGS -m "$W/ae.model" -d "$W/maps/$1" \
	    <"$W/$1.lst"
}

# combine: the rows of this dataset's table from m0, m1 and m5.
combine() {
	awk -v ds="$NAME" -v t1="$1" -v t5="$2" '
	function get(line, key,    i, v) {
		i = index(line, "\"" key "\":")
		if (i == 0)
			return "null"
		v = substr(line, i + length(key) + 3)
		sub(/[,}].*/, "", v)
		return v
	}
	FILENAME ~ /m0.ndjson$/ { m0[FNR] = $0; n = FNR; next }
	FILENAME ~ /m1.ndjson$/ { m1[FNR] = $0; next }
	{ m5[FNR] = $0 }
	END {
		for (i = 1; i <= n; i++) {
			printf "{\"dataset\":\"%s\",\"class\":%s", ds,
			    get(m0[i], "class")
			printf ",\"images\":%s,\"defective\":%s",
			    get(m0[i], "images"), get(m0[i], "defective")
			printf ",\"ap0\":%s,\"ap1\":%s,\"ap5\":%s",
			    get(m0[i], "box_ap"), get(m1[i], "box_ap"),
			    get(m5[i], "box_ap")
			printf ",\"image_auroc\":%s,\"pixel_auroc\":%s",
			    get(m0[i], "image_auroc"), get(m0[i], "pixel_auroc")
			printf ",\"aupro\":%s,\"pixel_ap\":%s",
			    get(m0[i], "aupro"), get(m0[i], "pixel_ap")
			printf ",\"accuracy1\":%s,\"far1\":%s,\"frr1\":%s",
			    get(m1[i], "accuracy"),
			    get(m1[i], "false_accept_rate"),
			    get(m1[i], "false_reject_rate")
			printf ",\"accuracy5\":%s,\"far5\":%s,\"frr5\":%s",
			    get(m5[i], "accuracy"),
			    get(m5[i], "false_accept_rate"),
			    get(m5[i], "false_reject_rate")
			printf ",\"threshold1\":%s,\"threshold5\":%s}\n", t1, t5
		}
	}' "$W/m0.ndjson" "$W/m1.ndjson" "$W/m5.ndjson"
}

# eval_dataset NAME GT: run every step for the dataset whose lists are in
# $WORK/NAME/; GT is det-eval's ground-truth spec.
eval_dataset() {
	NAME=$1
	GT=$2
	W=$WORK/$NAME
	LOG=$W/log
	log "== $NAME ($GT)"
	[ -f "$W/ae.model" ] || {
		log "make $W/ae.model: train on $(wc -l <"$W/train.lst") images"
		train_ae "$W/ae.model" "$W/train.lst" >>"$LOG" 2>&1 ||
		    { say "$NAME: ae-train failed; see $LOG"; return 1; }
	}
	for s in val lab5 eval; do
		produce "$W/$s.scored" score_set $s || return 1
	done
	produce "$W/lab1.scored" pick "$W/lab1.lst" "$W/lab5.scored" || return 1

	# setting 0: no defect image; MVTec AD rule on the validation normals
	produce "$W/boxes0.ndjson" "$MASK_BOXES" $MB_ARGS -A "$AREA" \
	    -n "$W/val.scored" "$W/eval.scored" || return 1
	produce "$W/m0.ndjson" "$DET_EVAL" -g "$GT" "$W/boxes0.ndjson" ||
	    return 1

	# settings 1 and 5: K labelled defect images per class
	for k in 1 5; do
		produce "$W/thr$k.ndjson" "$DET_EVAL" -g "$GT" \
		    "$W/val.scored" "$W/lab$k.scored" || return 1
		t=$(metric "$W/thr$k.ndjson" all pixel_f1_threshold)
		case $t in
		''|null) say "$NAME: no threshold in $W/thr$k.ndjson"
			return 1 ;;
		esac
		eval "t$k=\$t"
		# mask-boxes marks values above -t, det-eval's threshold counts
		# values at or above it: go below by less than half a float32
		# step, so exactly the values >= t are marked
		t=$(awk -v t="$t" 'BEGIN { d = t < 0 ? -t : t
		    printf "%.17g\n", (d > 0 ? t - d * 3e-8 : -1e-30) }')
		produce "$W/train$k.ndjson" "$MASK_BOXES" $MB_ARGS -t "$t" \
		    "$W/val.scored" "$W/lab$k.scored" || return 1
		produce "$W/labels$k.tsv" labels "$W/val.lst" "$W/lab$k.lst" ||
		    return 1
		produce "$W/svm$k.log" "$SVM_ACCEPT" train \
		    -L "$W/labels$k.tsv" -o "$W/svm$k.model" \
		    "$W/train$k.ndjson" || return 1
		produce "$W/boxes$k.ndjson" "$MASK_BOXES" $MB_ARGS -t "$t" \
		    "$W/eval.scored" || return 1
		produce "$W/acc$k.ndjson" "$SVM_ACCEPT" -m "$W/svm$k.model" \
		    "$W/boxes$k.ndjson" || return 1
		produce "$W/m$k.ndjson" "$DET_EVAL" -g "$GT" \
		    "$W/acc$k.ndjson" || return 1
	done
	# shellcheck disable=SC2154
	produce "$W/result.ndjson" combine "$t1" "$t5" || return 1
	log "== $NAME done"
}

# summarise: WORK/summary.ndjson and WORK/table.md from every dataset
# evaluated in WORK (by either script), in the order of their names.
summarise() {
	for r in "$WORK"/*/result.ndjson; do
		[ -f "$r" ] && cat "$r"
	done >"$WORK/summary.ndjson.tmp" &&
	    mv "$WORK/summary.ndjson.tmp" "$WORK/summary.ndjson"
	awk '
	function get(line, key,    i, v) {
		i = index(line, "\"" key "\":")
		if (i == 0)
			return "null"
		v = substr(line, i + length(key) + 3)
		sub(/[,}].*/, "", v)
		gsub(/"/, "", v)
		return v
	}
	function cell(v) {
		return v == "null" ? " - |" : sprintf(" %.3f |", v)
	}
	BEGIN {
		nk = split("ap0 ap1 ap5 image_auroc pixel_auroc aupro " \
		    "accuracy1 far1 frr1 accuracy5 far5 frr5", key, " ")
		print "| dataset | class | AP 0 | AP 1 | AP 5 | image AUROC |" \
		    " pixel AUROC | AU-PRO | acc 1 | FAR 1 | FRR 1 | acc 5 |" \
		    " FAR 5 | FRR 5 |"
		print "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
	}
	function meanrow(label, s, c,    row, i) {
		row = "| " label " | mean |"
		for (i = 1; i <= nk; i++)
			row = row (c[i] ? sprintf(" **%.3f** |", s[i] / c[i]) : \
			    " - |")
		print row
	}
	{
		ds = get($0, "dataset")
		c = get($0, "class")
		if (ds != cur) {
			if (cur != "" && ncls > 1)
				meanrow(cur, dsum, dcnt)
			cur = ds
			ncls = 0
			split("", dsum)
			split("", dcnt)
			nds++
		}
		if (c != "all")
			ncls++
		row = "| " ds " | " c " |"
		for (i = 1; i <= nk; i++) {
			v = get($0, key[i])
			row = row cell(v)
			if (c != "all" && v != "null") {
				sum[i] += v
				cnt[i]++
				dsum[i] += v
				dcnt[i]++
			}
		}
		if (c != "all" || ncls > 1)	# "all" only for several classes
			print row
	}
	END {
		if (cur != "" && ncls > 1)
			meanrow(cur, dsum, dcnt)
		if (nds > 1)
			meanrow("all datasets", sum, cnt)
	}' "$WORK/summary.ndjson" >"$WORK/table.md.tmp" &&
	    mv "$WORK/table.md.tmp" "$WORK/table.md"
}

# Parse the options common to both scripts; the caller shifts by OPTSHIFT.
parse_opts() {
	OPTIND=1
	SPLIT_ONLY=0
	while getopts A:b:fnS:T:w: o; do
		case $o in
		A) AREA=$OPTARG ;;
		b) MB_ARGS=$OPTARG ;;
		f) FORCE=1 ;;
		n) SPLIT_ONLY=1 ;;
		S) SCORE_ARGS=$OPTARG ;;
		T) TRAIN_ARGS=$OPTARG ;;
		w) WORK=$OPTARG ;;
		*) usage >&2; exit 2 ;;
		esac
	done
	OPTSHIFT=$((OPTIND - 1))
}

# Prepare the work directory of a dataset; with -f, start it afresh.
prepare() {	# name
	W=$WORK/$1
	[ "$FORCE" = 1 ] && rm -rf "$W"
	mkdir -p "$W" || die "cannot create $W"
	LOG=$W/log
}

# The counts of a split, one line.
split_counts() {	# name
	printf '%s: train %d, validation %d, labelled %d (1-setting %d), ' \
	    "$1" "$(wc -l <"$W/train.lst")" "$(wc -l <"$W/val.lst")" \
	    "$(wc -l <"$W/lab5.lst")" "$(wc -l <"$W/lab1.lst")"
	printf 'evaluation %d\n' "$(wc -l <"$W/eval.lst")"
}

find_tools() {
	AE_TRAIN=$(tool ae-train) || exit 1
	AE_SCORE=$(tool ae-score) || exit 1
	MASK_BOXES=$(tool mask-boxes) || exit 1
	SVM_ACCEPT=$(tool svm-accept) || exit 1
	DET_EVAL=$(tool det-eval) || exit 1
}

# main NAME... after the splits: evaluate every dataset, then summarise.
run_all() {
	rc=0
	for n in "$@"; do
		W=$WORK/$n
		LOG=$W/log
		say "$n: running (log $LOG)"
		eval_dataset "$n" "$(cat "$W/gt")" || rc=1
	done
	summarise
	cat "$WORK/table.md"
	return $rc
}
