# expect: \.linux
.linux = "yes"
