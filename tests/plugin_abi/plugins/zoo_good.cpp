// The healthy neighbour: one writable switch, turn_on/turn_off, reports state and readiness.
#include "zoo_cpp_switch.hpp"

HEARTH_DRIVER(zoo::cpp_switch, "zoo_good", "1.0.0", "Bad-plugin zoo: the good neighbour")
