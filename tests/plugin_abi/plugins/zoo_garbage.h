/* Zoo case 9: what the garbage plugin got back from the host, readable by the test through the
 * exported probe `zoo_garbage_result(index)` (dlsym on the already-loaded module). */
#ifndef ZOO_GARBAGE_H
#define ZOO_GARBAGE_H

enum zoo_garbage_index {
    ZOO_G_REGISTER_INVALID_DESCRIPTOR = 0, /* register_device with a descriptor failing validation */
    ZOO_G_REGISTER_NOT_JSON,               /* register_device with text that is not JSON */
    ZOO_G_REGISTER_GOOD,                   /* register_device of the valid switch */
    ZOO_G_STATE_NOT_JSON,                  /* report_state with invalid JSON */
    ZOO_G_STATE_NOT_OBJECT,                /* report_state with a JSON array */
    ZOO_G_STATE_WRONG_TYPE,                /* report_state {"on":"yes"}: valid JSON, refused by the core */
    ZOO_G_STATE_GHOST_DEVICE,              /* report_state for a device never registered */
    ZOO_G_EVENT_NOT_JSON,                  /* report_event with invalid JSON */
    ZOO_G_COMMAND_RESULT_PENDING,          /* command_result(..., HEARTH_PENDING): not a final status */
    ZOO_G_COUNT
};

#define ZOO_GARBAGE_STATUS 42 /* what handle_command returns: not a hearth_status */
#define ZOO_GARBAGE_UNSET 12345

#endif
