/* The C "Hello, world!" of the scratch lab (lab/src/variants.rs): built with plain gcc (dynamic,
 * glibc), gcc -static (glibc) and musl-gcc -static (musl, the recipe of the official hello-world
 * image), then run in an empty root and in a FROM scratch image. */
#include <stdio.h>

int main(void) {
    fputs("Hello, world!\n", stdout);
    return 0;
}
