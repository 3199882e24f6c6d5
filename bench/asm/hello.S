/* Hello, world! written by hand for x86_64 Linux, the floor hello-nostd is compared with in
 * `cargo make bench`: write(1, msg, 14) and exit_group(0), nothing else. Built by
 * `cargo make bench` (lab/src/bench/hellos.rs) with `as` and linked with plain `ld -s` (static,
 * no libc). */
    .globl _start
    .text
_start:
    mov $1, %eax            /* write */
    mov $1, %edi            /* stdout */
    lea msg(%rip), %rsi
    mov $14, %edx
    syscall
    mov $231, %eax          /* exit_group */
    xor %edi, %edi
    syscall

    .section .rodata
msg:
    .ascii "Hello, world!\n"

    /* A non-executable stack (PT_GNU_STACK without X). */
    .section .note.GNU-stack,"",@progbits
