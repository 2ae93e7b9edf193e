# expect: \.hooks\.poststart\[0\]\.args
.hooks.poststart = [{"path": "/bin/true", "args": "true"}]
