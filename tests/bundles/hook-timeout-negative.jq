# expect: \.hooks\.createRuntime\[0\]\.timeout
.hooks.createRuntime = [{"path": "/bin/true", "timeout": -1}]
