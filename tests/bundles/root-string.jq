# expect: \.root
.root = "rootfs"
