# expect: \.mounts\[[0-9]+\]\.options
.mounts += [{"destination": "/mnt", "type": "tmpfs", "source": "tmpfs", "options": "ro"}]
