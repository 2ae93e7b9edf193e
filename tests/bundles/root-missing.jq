# expect: \.root
del(.root)
