/* SPDX-License-Identifier: MIT */
/* setjmp.h for ring-3 test programs (callee-saved registers, rsp, rip). */
#ifndef _SETJMP_H
#define _SETJMP_H

typedef unsigned long jmp_buf[8];

int setjmp(jmp_buf env) __attribute__((returns_twice));
__attribute__((noreturn)) void longjmp(jmp_buf env, int val);

#endif
