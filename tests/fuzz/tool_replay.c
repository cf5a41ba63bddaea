// SPDX-License-Identifier: MIT
/*
 * tools suite (hosted, test-tools): replay the corpora of the iommu-acpi and
 * iommu-caps fuzz targets (tests/fuzz/corpus/{acpi,caps}-tool/) through the
 * tools' whole input path under ASan/UBSan, and check the JSON checker the
 * targets rely on. The fuzzing itself is `make fuzz-run`.
 */
#include <string.h>
#include "tests/fuzz/replay.h"
#include "tests/fuzz/toolrun.h"
#include "tests/ktest.h"

int acpi_tool_fuzz_one(const unsigned char *data, size_t size);
int caps_tool_fuzz_one(const unsigned char *data, size_t size);

KTEST(tools, test_tools_acpi_fuzz_corpus_replay)
{
	int n = fuzz_replay_dir("tests/fuzz/corpus/acpi-tool", acpi_tool_fuzz_one);

	report(n >= 40, "%d iommu-acpi inputs (arguments + file) replayed: no crash, promises kept", n);
}

KTEST(tools, test_tools_caps_fuzz_corpus_replay)
{
	int n = fuzz_replay_dir("tests/fuzz/corpus/caps-tool", caps_tool_fuzz_one);

	report(n >= 30, "%d iommu-caps argument lists replayed: no crash, promises kept", n);
}

/* The targets' oracle must reject what is not JSON, or it checks nothing. */
KTEST(tools, test_tools_json_checker)
{
	static const struct {
		const char *text;
		bool ok;
	} c[] = {
		{ "{\"a\":[1,-2.5e+3,true,false,null,\"x\\\\\\\"\\u00e9\"],\"b\":{}}", true },
		{ "[]", true },
		{ "{\"a\":1,}", false },
		{ "{\"a\" 1}", false },
		{ "{\"a\":01}", false },
		{ "{\"a\":\"\x01\"}", false },
		{ "{\"a\":\"\\x\"}", false },
		{ "{\"a\":\"\\u12g4\"}", false },
		{ "{\"a\":1", false },
		{ "{\"a\":1}}", false },
		{ "{\"a\":tru}", false },
		{ "{\"a\":\"\xc3\xa9\"}", false },
		{ "", false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(c); i++)
		report(json_valid(c[i].text, strlen(c[i].text)) == c[i].ok, "%s JSON: %s",
		       c[i].ok ? "valid" : "broken", c[i].text);
	report(json_lines_valid("{}\n{\"a\":1}\n", 11) && !json_lines_valid("{}\n\n{}\n", 7) &&
	       !json_lines_valid("", 0) && !json_lines_valid("[1]\n", 4),
	       "one JSON object per line, no empty line, at least one");
}
