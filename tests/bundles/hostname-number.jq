# expect: \.hostname
.hostname = 12
