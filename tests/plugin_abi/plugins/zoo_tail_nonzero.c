/* Zoo case 4a: larger struct whose unknown tail is NOT zero -> must be refused. */
#define ZOO_TAIL_NAME "zoo_tail_nonzero"
#define ZOO_TAIL_FLAGS 0x1
#include "zoo_tail.h"
