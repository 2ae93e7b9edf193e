# expect: \.linux\.rootfsPropagation
.linux.rootfsPropagation = "sideways"
