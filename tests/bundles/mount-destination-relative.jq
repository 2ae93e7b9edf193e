# expect: \.mounts\[[0-9]+\]\.destination
.mounts += [{"destination": "mnt", "type": "tmpfs", "source": "tmpfs"}]
