# Reference program of bench/intake: the raw append+fdatasync rate of the disk.
$(BUILD)/bench/fsyncrate: bench/fsyncrate.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $<
