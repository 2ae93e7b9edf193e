# expect: \.root\.path
.root.path = 42
