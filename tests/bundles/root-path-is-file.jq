# expect: \.root\.path.*(Not a directory|not a directory)
.root.path = "config.json"
