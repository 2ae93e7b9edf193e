# expect: \.linux\.namespaces\[[0-9]+\].*(duplicate|twice|more than once)
.linux.namespaces += [{"type": "pid"}]
