# expect: \.mounts\[[0-9]+\]\.destination
.mounts += [{"type": "tmpfs", "source": "tmpfs"}]
