/* Zoo case 1: exports symbols, but not `hearth_plugin_v1` (e.g. a plugin for another major, or a
 * random shared library someone dropped into the plugin folder). */
#include <hearth/plugin.h>

HEARTH_EXPORT int hearth_plugin_v0(void) { return 0; }
HEARTH_EXPORT const char* zoo_no_entry_hello(void) { return "I am not a Hearth plugin"; }
