# expect: \.hooks\.prestart\[0\]\.path
.hooks.prestart = [{"path": "true"}]
