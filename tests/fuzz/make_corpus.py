#!/usr/bin/env python3
# Writes the seed corpora under tests/fuzz/corpus/<target>/ (small, realistic inputs in each
# target's input format, see the header of fuzz_<target>.cpp). The files are committed; rerun
# this only to change the seeds: python3 tests/fuzz/make_corpus.py. Needs the openssl CLI
# (for genuine encrypted miIO frames).
import hashlib
import json
import pathlib
import struct
import subprocess

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CORPUS = HERE / "corpus"


def write(target, name, data):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data.encode("latin-1") if isinstance(data, str) else data)


# ---- command: byte 0 device (0 bedroom_ac, 1 hall_lock, 2 living_light, 3 robot_vacuum),
# byte 1 bit 0: 0 = <id>/set JSON, 1 = <id>/set/<property> ("property\nraw")
for name, dev, mode, text in [
    ("light_set", 2, 0, '{"on":true,"brightness":80,"transaction":"t1"}'),
    ("light_scene", 2, 0, '{"command":"set_scene","params":{"name":"sunset","duration_ms":500}}'),
    ("light_color", 2, 0, '{"color_temp_k":2700,"rgb":"#ff8800"}'),
    ("climate_set", 0, 0, '{"mode":"cool","target_temp":22.5,"ts":1732585200000}'),
    ("lock_unlock", 1, 0, '{"command":"unlock","params":{"reason":"guest"},"code":"1234","transaction":"door-1"}'),
    ("lock_relock", 1, 0, '{"auto_relock_s":30}'),
    ("vacuum_fan", 3, 0, '{"command":"set_fan_speed","params":{"fan_speed":"turbo"}}'),
    ("vacuum_areas", 3, 0, '{"command":"clean_areas","params":{"areas":"kitchen,hall","repeat":2},"transaction":7}'),
    ("light_prop_brightness", 2, 1, "brightness\n42"),
    ("light_prop_on", 2, 1, "on\nON"),
    ("climate_prop_temp", 0, 1, "target_temp\n21.5"),
    ("vacuum_prop_fan", 3, 1, 'fan_speed\n"max"'),
]:
    write("command", name, bytes([dev, mode]) + text.encode())

# ---- topics: one topic each
for i, topic in enumerate([
    "hearth/living_light/set", "hearth/living_light/set/brightness", "hearth/hall_lock/get",
    "hearth/bridge/request/device/rename", "homeassistant/status", "home/hub1/robot_vacuum/set",
    "hearth/bridge/set", "ha/discovery/status",
]):
    write("topics", f"topic_{i}", topic)

# ---- config: whole files
write("config", "hearth.json", (ROOT / "config/hearth.json").read_text())
write("config", "demo.json", (ROOT / "config/demo.json").read_text())
write("config", "energy.json", json.dumps({"energy": {"currency": "CNY", "home_meter": "main_meter", "tariffs": [{"from": "2025-01-01", "type": "flat", "price": 0.55}, {"from": "2026-03-01", "type": "time_of_use", "periods": {"peak": 0.98, "flat": 0.62, "valley": 0.31}, "schedules": [{"months": [7, 8], "slots": [{"start": "00:00", "period": "valley"}, {"start": "10:00", "period": "peak"}]}, {"weekdays": ["sat", "sun"], "slots": [{"start": "00:00", "period": "valley"}]}, {"slots": [{"start": "00:00", "period": "valley"}, {"start": "08:00", "period": "flat"}, {"start": "21:30", "period": "peak"}]}]}, {"from": "2027-01-01", "type": "tiered", "blocks": [{"up_to_kwh": 200, "price": 0.56}, {"price": 0.86}]}]}}))
write("config", "full.json", json.dumps({
    "mqtt": {"url": "mqtts://broker.lan:8883", "client_id": "hub", "base_topic": "home/hub1",
             "username": "hearth", "password": "s3cret",
             "tls": {"ca_file": "ca.pem"}},
    "database": {"path": "hearth.db", "commit_interval_ms": 500, "history_days": 30,
                 "retention_days": {"power_w": 3, "hall_lock.lock_state": 365}},
    "drivers": [{"plugin": "nuki", "id": "nuki", "config": {"host": "192.168.1.20", "token": "abc123"},
                 "limits": {"memory_mb": 256, "cpu_s": 3600, "open_files": 64}},
                {"plugin": "demo", "id": "demo", "isolation": "inproc", "enabled": False}],
    "scenes": {"dir": "scenes"},
    "location": {"latitude": 48.137, "longitude": 11.575},
    "locks": {"hall_lock": {"pin_hash": "pbkdf2-sha256$200000$0abecceb34d3309e85f08209f526e0bf$"
                                        "bee9fafd091ea76592ce9bfc1d3f5544a9bcd38bd33c0bdc48c95a980128d192",
                            "max_attempts": 3, "lockout_s": 600, "max_command_age_s": 10,
                            "auto_relock_s": 120, "allow_rule_unlock": False}},
    "log": {"level": "debug"}}, indent=1))

# ---- scenes: flags (bit 0 location, bit 1 device checks), files separated by NUL
scene_files = sorted((ROOT / "config/scenes").glob("*.json"))
for f in scene_files:
    write("scenes", f.stem, b"\x03" + f.read_bytes())
write("scenes", "two_files_no_devices", b"\x00" + scene_files[0].read_bytes() + b"\x00" + scene_files[1].read_bytes())

# ---- descriptor: descriptor JSON, NUL, reported state
descriptors = {
    "light": ({"id": "living_light", "name": "Living room light", "type": "light",
               "properties": {"on": {"type": "bool", "writable": True},
                              "brightness": {"type": "int", "min": 1, "max": 100, "unit": "%", "writable": True}},
               "commands": {"turn_on": {}, "turn_off": {}}},
              {"on": True, "brightness": 55}),
    "climate": ({"id": "bedroom_ac", "name": "Bedroom AC", "type": "climate",
                 "properties": {"on": {"type": "bool", "writable": True},
                                "mode": {"type": "enum", "values": ["cool", "heat", "auto"], "writable": True},
                                "target_temp": {"type": "number", "min": 16, "max": 31, "step": 0.5, "writable": True}}},
                {"on": True, "mode": "heat", "target_temp": 21.37}),
    "lock": ({"id": "nuki_439041101", "name": "Front door", "type": "lock", "manufacturer": "Nuki",
              "model": "Smart Lock 3.0/4.0", "sw_version": "3.5.10",
              "properties": {"lock_state": {"type": "enum", "values": ["locked", "unlocked", "jammed", "unknown"]},
                             "battery": {"type": "int", "min": 0, "max": 100, "unit": "%"}},
              "commands": {"lock": {"params": {}}, "unlock": {"params": {}}},
              "events": ["lock_operation", "lock_alarm"]},
             {"lock_state": "locked", "battery": 87}),
    "vacuum": ({"id": "robot_vacuum", "name": "Robot vacuum", "type": "vacuum",
                "properties": {"operational_state": {"type": "enum", "values": ["docked", "running"]},
                               "battery": {"type": "int", "min": 0, "max": 100}},
                "commands": {"set_fan_speed": {"params": {"fan_speed": {"type": "enum", "values": ["quiet", "max"],
                                                                        "required": True}}}},
                "events": ["operational_error"]},
               {"operational_state": "running", "battery": 64}),
}
for name, (descriptor, state) in descriptors.items():
    write("descriptor", name, json.dumps(descriptor) + "\0" + json.dumps(state))

# ---- driver_schema: a plugin's config schema, NUL, the driver's config
driver_schemas = {
    "typo": ({"type": "object", "additionalProperties": False, "required": ["host"],
              "properties": {"host": {"type": "string"}, "token": {"type": "string", "x-secret": True},
                             "n": {"type": "integer", "minimum": 1}}},
             {"host": "h", "tokn": "x", "n": 0}),
    "nested_secret": ({"type": "object", "properties": {"plugs": {"type": "array", "items": {
                          "type": "object", "properties": {"password": {"type": "string", "x-secret": True}}}}}},
                      {"plugs": [{"password": "p"}, {"id": "a"}]}),
}
for name, (schema, config) in driver_schemas.items():
    write("driver_schema", name, json.dumps(schema) + "\0" + json.dumps(config))


# ---- wire: byte 0 (bit 0: 64-byte frame limit), then frames (4-byte LE length + JSON)
def frame(message):
    payload = json.dumps(message, separators=(",", ":")).encode()
    return struct.pack("<I", len(payload)) + payload


worker_session = b"".join(frame(m) for m in [
    {"t": "hello", "plugin": "demo", "version": "0.1.0", "pid": 4242},
    {"t": "device_registered", "descriptor": descriptors["light"][0]},
    {"t": "state", "device": "living_light", "state": {"on": True, "brightness": 55}},
    {"t": "event", "device": "hall_lock", "event": {"event_type": "lock_operation", "operation": "lock"}},
    {"t": "availability", "device": "living_light", "online": False},
    {"t": "command_done", "id": 17, "status": 0, "message": ""},
    {"t": "ready"},
    {"t": "heartbeat", "ts": 1732585200123, "stats": {"calls": 12, "errors": 0, "dropped_events": 0}},
])
write("wire", "worker_session", b"\x00" + worker_session)
write("wire", "small_limit", b"\x01" + frame({"t": "ready"}) + frame({"t": "state", "device": "x", "state": {"a": 1}}))
write("wire", "failed", b"\x00" + frame({"t": "failed", "reason": "cannot open plugin", "fatal": True}))

# ---- miio: byte 0 mode (0 datagram, 1 ciphertext, 2 JSON text to encode)
TOKEN = bytes.fromhex("00112233445566778899aabbccddeeff")
KEY = hashlib.md5(TOKEN).digest()
IV = hashlib.md5(KEY + TOKEN).digest()


def encrypt(plain):
    return subprocess.run(["openssl", "enc", "-aes-128-cbc", "-K", KEY.hex(), "-iv", IV.hex()],
                          input=plain, capture_output=True, check=True).stdout


def miio_frame(text, device_id=0x0102ABCD, stamp=42):
    payload = encrypt(text.encode())
    head = struct.pack(">HHIII", 0x2131, 32 + len(payload), 0, device_id, stamp)
    checksum = hashlib.md5(head + TOKEN + payload).digest()
    return head + checksum + payload


reply = '{"id":1,"result":[{"state":8,"battery":100,"fan_power":102,"error_code":0}]}'
write("miio", "frame_reply", b"\x00" + miio_frame(reply))
write("miio", "frame_stale", b"\x00" + miio_frame('{"id":0,"result":["ok"]}\0'))
write("miio", "hello_reply", b"\x00" + struct.pack(">HHIII", 0x2131, 32, 0, 0x0102ABCD, 1234) + TOKEN)
write("miio", "ciphertext", b"\x01" + encrypt(reply.encode()))
write("miio", "json_miot", b"\x02" + b'{"id":7,"result":[{"did":"on","siid":2,"piid":1,"code":0,"value":true}]}')
write("miio", "json_error", b"\x02" + b'{"id":7,"error":{"code":-9999,"message":"user ack timeout"}}')

# ---- multipart: Content-Type line, flags byte (bit 0: 64-byte part limit), body
alert = ('<?xml version="1.0" encoding="UTF-8"?>\r\n<EventNotificationAlert version="2.0" '
         'xmlns="http://www.hikvision.com/ver20/XMLSchema">\r\n<ipAddress>192.168.1.64</ipAddress>\r\n'
         '<channelID>1</channelID>\r\n<dateTime>2026-11-26T01:02:03+01:00</dateTime>\r\n'
         '<activePostCount>1</activePostCount>\r\n<eventType>VMD</eventType>\r\n<eventState>active</eventState>\r\n'
         '<eventDescription>Motion alarm</eventDescription>\r\n</EventNotificationAlert>\r\n')
heartbeat = alert.replace("VMD", "videoloss").replace("active<", "inactive<")
body = (f"--boundary\r\nContent-Type: application/xml; charset=\"UTF-8\"\r\nContent-Length: {len(alert)}\r\n\r\n"
        f"{alert}\r\n--boundary\r\nContent-Type: application/xml\r\n\r\n{heartbeat}\r\n--boundary--\r\n")
write("multipart", "alert_stream", "multipart/mixed; boundary=boundary\n\x00" + body)
write("multipart", "alert_stream_small_limit", "multipart/mixed; boundary=boundary\n\x01" + body)
lf_body = f"junk preamble\n--MIME_boundary\nContent-Type: image/jpeg\nContent-Length: 4\n\n\xff\xd8\xff\xd9\n--MIME_boundary--\n"
write("multipart", "quoted_boundary_lf", 'multipart/x-mixed-replace; boundary="MIME_boundary"\n\x00' + lf_body)

# ---- isapi_xml: byte 0 tag index, the document
write("isapi_xml", "alert", "\x00" + alert)
write("isapi_xml", "privacy_mask", "\x01" + '<?xml version="1.0" encoding="UTF-8"?>\n<PrivacyMask version="2.0" '
      'xmlns="http://www.isapi.org/ver20/XMLSchema">\n<enabled>true</enabled>\n<PrivacyMaskRegionList/>\n</PrivacyMask>\n')
write("isapi_xml", "response_status", "\x02" + '<?xml version="1.0" encoding="UTF-8"?>\n<ResponseStatus version="2.0" '
      'xmlns="http://www.isapi.org/ver20/XMLSchema">\n<requestURL>/ISAPI/System/Video/inputs/channels/1/privacyMask'
      '</requestURL>\n<statusCode>1</statusCode>\n<statusString>OK</statusString>\n<subStatusCode>ok</subStatusCode>\n'
      '</ResponseStatus>\n')
write("isapi_xml", "namespaced", "\x03" + '<ns:EventNotificationAlert><ns:channelID>2</ns:channelID><ns:eventType>IO'
      '</ns:eventType><ns:eventState>inactive</ns:eventState><ns:eventDescription>A &amp; B &lt;1&gt;'
      '</ns:eventDescription></ns:EventNotificationAlert>')

# ---- digest_auth: WWW-Authenticate values
for name, header in [
    ("md5_qop", 'Digest realm="DS-2CD2143G2", nonce="4e5468694e7a59334f4455365a4451314e7a6b364f4449794d7a453d", '
                'qop="auth", algorithm=MD5, opaque="5ccc069c403ebaf9f0171e9517f40e41", stale=FALSE'),
    ("sha256_multi", 'Basic realm="IP Camera", Digest realm="IP Camera", nonce="abc\\"def", algorithm="SHA-256", '
                     'qop="auth,auth-int"'),
    ("md5_sess_legacy", 'Digest realm="legacy", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", algorithm=MD5-sess'),
    ("stale", 'Digest realm="cam", nonce="n2", stale=true, algorithm=SHA-256-sess, qop=auth'),
]:
    write("digest_auth", name, header)

# ---- nuki_http: byte 0 mode (0 /list answer, 1 /lockState answer, 2 callback POST), the stream
nuki_list = json.dumps([
    {"nukiId": 439041101, "deviceType": 4, "name": "Front door", "firmwareVersion": "3.5.10",
     "lastKnownState": {"mode": 2, "state": 1, "stateName": "locked", "batteryCritical": False,
                        "batteryChargeState": 87, "doorsensorState": 2, "timestamp": "2026-11-26T01:00:00+00:00"}},
    {"nukiId": 13, "deviceType": 2, "name": "Opener", "lastKnownState": {"state": 1}},
    {"nukiId": 77, "deviceType": 0, "name": "Back door", "lastKnownState": {"state": 254, "batteryCritical": True}},
])


def response(body, chunked=False):
    if chunked:
        half = len(body) // 2
        chunks = f"{half:x}\r\n{body[:half]}\r\n{len(body) - half:x}\r\n{body[half:]}\r\n0\r\n\r\n"
        return f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{chunks}"
    return (f"HTTP/1.1 200 OK\r\nContent-Type: application/json;charset=UTF-8\r\nContent-Length: {len(body)}\r\n"
            f"Connection: close\r\n\r\n{body}")


write("nuki_http", "list", "\x00" + response(nuki_list))
write("nuki_http", "list_chunked", "\x00" + response(nuki_list, chunked=True))
write("nuki_http", "list_until_eof", "\x00" + "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + nuki_list)
write("nuki_http", "lock_state", "\x01" + response('{"mode":2,"state":5,"stateName":"unlatched","batteryCritical":false,'
                                                   '"batteryChargeState":30,"doorsensorState":3,"success":true}'))
write("nuki_http", "unauthorized", "\x01" + "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n")
cb = '{"nukiId":439041101,"deviceType":4,"mode":2,"state":3,"stateName":"unlocked","batteryCritical":false,' \
     '"batteryChargeState":86,"doorsensorState":3}'
write("nuki_http", "callback", "\x02" + f"POST /hearth-nuki/cb-3f9a1c HTTP/1.1\r\nHost: 192.168.1.10:8081\r\n"
      f"Content-Type: application/json\r\nContent-Length: {len(cb)}\r\n\r\n{cb}")

# bridge_requests: byte 0 = index into the sorted request names (fuzz_bridge_requests.cpp), then
# the payload. Names, sorted: backup config/reload device/remove device/rename devices energy
# energy_findings health history info rule/disable rule/enable rule/run rules scene/activate trace (+ an unknown name).
REQUESTS = ["backup", "config/reload", "device/remove", "device/rename", "devices", "energy", "energy_findings",
            "health", "history", "info", "rule/disable", "rule/enable", "rule/run", "rules", "scene/activate", "trace", "no/such/request"]
bridge_seeds = {
    "config/reload": {},
    "device/remove": {"device": "nope"},
    "device/rename": {"device": "living_light", "name": "Sofa lamp", "transaction": "t1"},
    "devices": {},
    "energy": {"device": "living_light", "by": "day", "from": 1700000000000, "to": 1702592000000},
    "energy_findings": {"device": "living_light"},
    "health": {"transaction": 7},
    "history": {"device": "living_light", "property": "brightness", "from": 0, "to": 1800000000000, "limit": 10},
    "info": {},
    "rule/disable": {"rule": "night"},
    "rule/enable": {"rule": "night"},
    "rule/run": {"rule": "night"},
    "rules": {},
    "scene/activate": {"scene": "evening"},
    "trace": {"rule": "night", "limit": 5},
    "no/such/request": {},
}
for name, args in bridge_seeds.items():
    write("bridge_requests", name.replace("/", "_"), bytes([REQUESTS.index(name)]) + json.dumps(args).encode())

# ---- shelly_frames: byte 0 mode (0 GetStatus answer NUL GetConfig answer, 1 WebSocket frame,
# 2 GetDeviceInfo answer), then the frame text
shelly_status = json.dumps({"id": 1, "src": "shellysim-a1", "result": {
    "sys": {"mac": "A8032AB12345"},
    "switch:0": {"id": 0, "output": True, "apower": 61.5, "voltage": 230.1, "aenergy": {"total": 1234.5}},
    "light:0": {"id": 0, "output": False, "brightness": 50},
    "cover:0": {"id": 0, "state": "closing", "current_pos": 40, "apower": 80, "pos_control": True},
    "input:0": {"id": 0, "state": None}, "input:1": {"id": 1, "state": True}}})
shelly_config = json.dumps({"id": 2, "result": {"switch:0": {"id": 0, "name": "Kettle"},
                                                 "input:0": {"id": 0, "type": "button"},
                                                 "input:1": {"id": 1, "type": "switch"}}})
write("shelly_frames", "status_config", "\x00" + shelly_status + "\x00" + shelly_config)
write("shelly_frames", "status_error", "\x00" + '{"id":1,"error":{"code":-103,"message":"Invalid argument"}}' + "\x00{}")
write("shelly_frames", "notify_status", "\x01" + json.dumps({"src": "shellysim-a1", "dst": "hearth", "method": "NotifyStatus",
      "params": {"ts": 1.5, "switch:0": {"id": 0, "output": True, "apower": 3.5}, "cover:0": {"current_pos": 55}}}))
write("shelly_frames", "notify_event", "\x01" + json.dumps({"method": "NotifyEvent", "params": {"ts": 2.0, "events": [
      {"component": "input:0", "id": 0, "event": "single_push"}, {"component": "input:0", "event": "btn_down"}]}}))
write("shelly_frames", "challenge", "\x01" + json.dumps({"id": 1, "error": {"code": 401, "message": json.dumps(
      {"auth_type": "digest", "nonce": 1625038762, "nc": 1, "realm": "shellysim-a1", "algorithm": "SHA-256"})}}))
write("shelly_frames", "device_info", "\x02" + json.dumps({"id": "shellysim-a1", "model": "SIM-MULTI-1", "gen": 2,
      "ver": "1.0.8", "app": "SimMulti", "auth_en": True}))
# ---- tuya: byte 0 mode (0 TCP stream / broadcast, 1 byte 1 version+command then a plaintext
# payload, 2 negotiation payload). Stream seeds are client frames the npm tuyapi package made
# (tests/interop/tuyapi/make_vectors.js) and a discovery broadcast.
TUYA = {
    "v33_control": "000055aa000000020000000700000067332e33000000000000000000000000c22f36a40db32f5a30d2538ac1295f65"
                   "a576573778f5f55c7ecc3c61a5b6a2202b678cfdcf6987b9861b2e1894ce017fa20620254505737c11f27510edfe79"
                   "27c8bb6ef2e4d1cb65dcab54d2d904a59d9c0b20ad0000aa55",
    "v34_neg_start": "000055aa000000010000000300000044a07999f0e2bfbe16f99593e984a449b7377222e061a924c591cd9c27ea163e"
                     "d484a896dcb29647fa6e5c5024c9533704640e90001c9f4d52f8b4480cc12648340000aa55",
    "v35_neg_start": "00006699000000000001000000030000002c313730303030303030303030481a6f160f512c619c66c15c2444f224f8"
                     "da9338ed2bed941dd6e2e96731e85b00009966",
    "discovery_ecb": "000055aa00000000000000130000008c00000000d09766676f3369eb10b5e9f132fd802a2e434f6c56d3689044d390"
                     "6749d319930605d3c233c47e0d8816f23b83868c385c907565b323a346d0de78c22f1fdaba1ae7c613c2cae004e54a47"
                     "4561367714379e7d68a02456269f4616388e2aa04ea5293c3042f2fea651a0076d6c53d48f49d7c04d4bd0e855432b81"
                     "9cbf4452f6f43fbde50000aa55",
}
for name, h in TUYA.items():
    write("tuya", name, b"\x00" + bytes.fromhex(h))
write("tuya", "stream_two", b"\x00" + bytes.fromhex(TUYA["v33_control"] + TUYA["v35_neg_start"]))
write("tuya", "status_v34", b"\x01\x01" + b'{"protocol":4,"t":1700000000,"data":{"dps":{"1":true,"19":1234}}}')
write("tuya", "status_v35", b"\x01\x02" + b'{"dps":{"20":true,"22":500,"23":300}}')
write("tuya", "neg_resp", b"\x02" + bytes(range(48)))

# ---- esphome: byte 0 mode (0 plaintext client, 1 plaintext server, 2 Noise server, 3 Noise
# client), byte 1 chunk size, then a TCP stream. Frames are written by hand from the protocol:
# 0x00 varint(len) varint(type) payload; 0x01 u16 body.
def plain(msg_type, payload=b""):
    def varint(v):
        out = b""
        while v >= 0x80:
            out += bytes([(v & 0x7F) | 0x80])
            v >>= 7
        return out + bytes([v])
    return b"\x00" + varint(len(payload)) + varint(msg_type) + payload


def noise(body=b""):
    return b"\x01" + len(body).to_bytes(2, "big") + body


# HelloResponse{api 1.10, server_info "sim", name "porch"}; SwitchStateResponse{key 1, on}.
hello = bytes.fromhex("0801100a1a0373696d2205706f726368")
switch_state = bytes.fromhex("0d010000001001")
list_switch = b"\x0a\x05relay\x15\x01\x00\x00\x00\x1a\x05Relay"
write("esphome", "client_stream", b"\x00\x07" + plain(2, hello) + plain(17, list_switch) + plain(19) + plain(26, switch_state))
write("esphome", "server_stream", b"\x01\x03" + plain(1, b"\x0a\x06hearth") + plain(3) + plain(9) + plain(11) + plain(20) + plain(33, switch_state))
write("esphome", "noise_hello", b"\x02\x40" + noise() + noise(b"\x00" + bytes(48)))
write("esphome", "noise_refused", b"\x03\x10" + noise(b"\x01porch\x00AA:BB\x00") + noise(b"\x01Handshake MAC failure"))
write("esphome", "plain_at_noise", b"\x02\x05" + plain(1, b"\x0a\x01x"))
# ListEntitiesLightResponse{object_id "lamp", key 2, colour modes [11] packed, mireds 153..500}
# and a LightStateResponse for it: the mapping's light paths.
list_light = bytes.fromhex("0a046c616d7015020000006201 0b4d000019435500 00fa43".replace(" ", ""))
light_state = bytes.fromhex("0d02000000100115 0000803f".replace(" ", "")) + bytes.fromhex("45 0000b943".replace(" ", ""))
write("esphome", "light_stream", b"\x00\x09" + plain(15, list_light) + plain(24, light_state) + plain(19))

# ---- z2m: one Zigbee2MQTT bridge/devices entry, NUL, one state payload of that device. Seeds are
# entries of the fixture generated from zigbee-herdsman-converters (tests/interop/z2m).
Z2M = json.loads((ROOT / "tests/interop/z2m/bridge_devices.json").read_text())
Z2M_STATES = {
    "9290012573A": {"state": "ON", "brightness": 254, "color_temp": 250, "linkquality": 80},
    "YRD256HA20BP": {"state": "LOCK", "lock_state": "not_fully_locked", "battery": 90, "action": "manual_lock"},
    "SRTS-A01": {"system_mode": "heat", "occupied_heating_setpoint": 21.5, "local_temperature": 19.2},
    "E1757": {"state": "OPEN", "position": 40, "battery": "x"},
    "WXKG01LM": {"action": "double", "battery": 99},
    "MCCGQ11LM": {"contact": False, "battery": 100, "voltage": 3005},
    "LLKZMK11LM": {"state_l1": "ON", "state_l2": "OFF", "power": 12.5, "energy": 1.25},
    "99432": {"fan_state": "ON", "fan_mode": "smart", "state": "OFF"},
}
for e in Z2M:
    model = (e.get("definition") or {}).get("model")
    if model in Z2M_STATES:
        name = "z2m_" + model.replace("/", "_").replace(" ", "_")
        write("z2m", name, json.dumps(e) + "\0" + json.dumps(Z2M_STATES[model]))

# ---- activity: byte 0 options (bits 0-1: minimum support 2..5); then lines of 2 bytes time step in
# minutes (bit 15: backwards), 1 byte device (0 bedroom_ac, 1 hall_lock, 2 living_light,
# 3 robot_vacuum, more: unknown), 1 byte kind (0 command, 1 state, 2 event, 3 unknown), then
# name TAB value TAB source. Seeds: a few days of an evening light routine and an arrival
# sequence (the lock unlatched, the light on), a rule-issued command, an unsafe unlock routine.
def activity_line(step_min, device, kind, name, value, source):
    step = step_min if step_min >= 0 else (0x8000 | -step_min)
    return struct.pack(">HBB", step, device, kind) + f"{name}\t{value}\t{source}\n".encode()


def activity_days(days, day_lines):
    out = b"\x00"
    for _ in range(days):
        for line in day_lines:
            out += activity_line(*line)
    return out


EVENING = [
    (7 * 60 + 30, 1, 0, "unlock", "{}", "mqtt"),            # 07:30 unlock (never suggested)
    (10 * 60 + 5, 2, 0, "turn_on", "{}", "mqtt"),           # 17:35 light on
    (0, 2, 1, "on", "true", "device"),
    (30, 1, 1, "lock_state", '"unlatched"', "device"),    # 18:05 arrival
    (1, 0, 0, "set", '{"on":true,"mode":"cool"}', "mqtt"),
    (1, 3, 0, "return_to_dock", "{}", "rule"),             # an automation's command
    (300, 2, 0, "turn_off", "{}", "mqtt"),                  # 23:07 light off
    (0, 2, 1, "on", "false", "device"),
    (53, 9, 2, "motion", '{"x":1}', "device"),             # an unknown device at midnight
]
write("activity", "household_week", activity_days(7, EVENING))
write("activity", "household_fortnight", activity_days(14, EVENING))
write("activity", "hostile", b"\x03" + activity_line(5, 2, 1, "on", "null", "device")
      + activity_line(-600, 2, 3, "", "[[[[", "") + activity_line(0x7fff, 200, 0, "x" * 300, '{"a":' * 50, "mqtt")
      + activity_line(1, 1, 2, "lock_operation", '{"operation":"unlock","result":"ok"}', "device"))
