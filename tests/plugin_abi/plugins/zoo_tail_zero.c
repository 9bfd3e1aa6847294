/* Zoo case 4b: larger struct, unknown tail all zero -> must be ACCEPTED (and work). */
#define ZOO_TAIL_NAME "zoo_tail_zero"
#define ZOO_TAIL_FLAGS 0
#include "zoo_tail.h"
