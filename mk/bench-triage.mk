# Triage benchmark driver (bench/triage runs it): linked against the library like a unit test.
$(BUILD)/bench/triage_bench: bench/triage_bench.c $(BUILD)/libtongdai.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libtongdai.a $(LDLIBS)
