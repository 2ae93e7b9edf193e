test_dbg() {
	set_args /bin/sh -c '/rt-helper sleep 600 & exec /rt-helper sleep 600'
	jq -c .process $BUNDLE/config.json >&2
	ctr_create c1
	run_rt start c1; sleep 1; cat $T/c1.out $T/c1.err >&2; run_rt state c1
}
