# src/text benchmark driver (bench/text runs it): linked against the library like a unit test.
$(BUILD)/bench/text_bench: bench/text_bench.c $(BUILD)/libtongdai.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libtongdai.a $(LDLIBS)
