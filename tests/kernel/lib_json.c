// SPDX-License-Identifier: MIT
/*
 * lib suite, JSON writer: nesting and commas, escapes for any byte, numbers,
 * base64 against RFC 4648's vectors. Runs in the kernel and hosted.
 */
#include "lib/json.h"
#include "lib/string.h"
#include "tests/ktest.h"

static char out[512];
static struct json_buf buf;

static void start(struct json *j)
{
	json_init_buf(j, &buf, out, sizeof(out));
}

KTEST(lib, test_lib_json_nesting)
{
	struct json j;

	start(&j);
	json_obj(&j);
	json_ku64(&j, "a", 18446744073709551615ULL);
	json_key(&j, "b");
	json_arr(&j);
	json_s64(&j, -5);
	json_bool(&j, true);
	json_null(&j);
	json_obj(&j);
	json_obj_end(&j);
	json_arr_end(&j);
	json_kstr(&j, "c", "");
	json_obj_end(&j);
	report(!strcmp(out, "{\"a\":18446744073709551615,\"b\":[-5,true,null,{}],\"c\":\"\"}"),
	       "commas only between members: %s", out);
	report(j.bytes == strlen(out) && j.depth == 0, "bytes counted, back at depth 0");
	json_init_buf(&j, &buf, out, 8);
	json_str(&j, "0123456789");
	report(!strcmp(out, "\"012345") && buf.lost == 5,
	       "a buffer too small keeps its NUL and counts what it lost (%zu)", buf.lost);
}

KTEST(lib, test_lib_json_escapes)
{
	struct json j;

	start(&j);
	json_str(&j, "q\" b\\ \n\x01\x7f\xe9");
	report(!strcmp(out, "\"q\\\" b\\\\ \\u000a\\u0001\\u007f\\u00e9\""),
	       "quotes, backslashes, control and high bytes escaped: %s", out);
	start(&j);
	json_strn(&j, "ABCDEF", 3);
	report(!strcmp(out, "\"ABC\""), "json_strn stops at n bytes");
	start(&j);
	json_strn(&j, "AB\0CD", 5);
	report(!strcmp(out, "\"AB\""), "and at a NUL");
}

KTEST(lib, test_lib_json_base64)
{
	static const char *const in[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *const want[] = { "\"\"", "\"Zg==\"", "\"Zm8=\"", "\"Zm9v\"",
					    "\"Zm9vYg==\"", "\"Zm9vYmE=\"", "\"Zm9vYmFy\"" };
	static const u8 bin[3] = { 0xfb, 0xff, 0xbf };
	struct json j;

	for (size_t i = 0; i < ARRAY_SIZE(in); i++) {
		start(&j);
		json_base64(&j, in[i], strlen(in[i]));
		report(!strcmp(out, want[i]), "base64(\"%s\") = %s", in[i], out);
	}
	start(&j);
	json_base64(&j, bin, 3);
	report(!strcmp(out, "\"+/+/\""), "the alphabet's last two: %s", out);
}
