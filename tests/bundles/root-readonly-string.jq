# expect: \.root\.readonly
.root.readonly = "true"
