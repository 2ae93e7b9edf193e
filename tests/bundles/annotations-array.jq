# expect: \.annotations
.annotations = ["a"]
