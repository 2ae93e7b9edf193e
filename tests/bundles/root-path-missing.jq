# expect: \.root\.path.*(No such file|does not exist|ENOENT)
.root.path = "no-such-rootfs"
