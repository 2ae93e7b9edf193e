# expect: \.annotations
.annotations = {"a": 1}
