// Role: prints the fixed protocol vectors of tests/drivers/tuya/protocol_test.cpp, produced by the
// npm `tuyapi` package (an implementation nobody here wrote): its MessageParser and TuyaCipher
// encode client frames for 3.3, 3.4 and 3.5 with fixed keys, nonces, sequence numbers and (for
// 3.5) a fixed clock, which fixes the GCM IV tuyapi derives from Date.now(). The discovery
// broadcast vector is built with node's crypto and tuyapi's own CRC module.
// Usage (after npm ci in this folder): node make_vectors.js
'use strict';

const crypto = require('node:crypto');
const { MessageParser, CommandType } = require('tuyapi/lib/message-parser');
const crc = require('tuyapi/lib/crc');
const { UDP_KEY } = require('tuyapi/lib/config');

const KEY = '0123456789abcdef';
const LOCAL_NONCE = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
const REMOTE_NONCE = Buffer.from('f0e0d0c0b0a090807060504030201000', 'hex');
const QUERY = '{"gwId":"bf0001","devId":"bf0001","t":"1700000000","dps":{},"uid":"bf0001"}';
const SET33 = '{"devId":"bf0001","gwId":"bf0001","uid":"","t":1700000000,"dps":{"1":true}}';
const SET34 = '{"data":{"ctype":0,"devId":"bf0001","gwId":"bf0001","uid":"","dps":{"1":false}},"protocol":5,"t":1700000000}';

function out(name, buf) { console.log(`${name} ${Buffer.isBuffer(buf) ? buf.toString('hex') : buf}`); }

// 3.3
const p33 = new MessageParser({ key: KEY, version: '3.3' });
out('v33_dp_query', p33.encode({ data: QUERY, commandByte: CommandType.DP_QUERY, sequenceN: 1 }));
out('v33_control', p33.encode({ data: SET33, commandByte: CommandType.CONTROL, sequenceN: 2 }));

// Session keys as tuyapi derives them.
const xor = Buffer.alloc(16);
for (let i = 0; i < 16; ++i) xor[i] = LOCAL_NONCE[i] ^ REMOTE_NONCE[i];
const p34 = new MessageParser({ key: KEY, version: '3.4' });
const sess34 = p34.cipher._encrypt34({ data: xor });
out('v34_session_key', sess34);
const p35 = new MessageParser({ key: KEY, version: '3.5' });
const sess35 = p35.cipher._encrypt35({ data: xor, iv: LOCAL_NONCE });
out('v35_session_key', sess35);

// 3.4: negotiation start (local key), finish payload, then a control frame under the session key.
out('v34_neg_start', p34.encode({ data: LOCAL_NONCE, commandByte: CommandType.SESS_KEY_NEG_START, sequenceN: 1 }));
out('v34_neg_resp_hmac', p34.cipher.hmac(LOCAL_NONCE));
out('v34_neg_finish', p34.encode({ data: p34.cipher.hmac(REMOTE_NONCE), commandByte: CommandType.SESS_KEY_NEG_FINISH, sequenceN: 2 }));
p34.cipher.setSessionKey(sess34);
out('v34_control_new', p34.encode({ data: SET34, commandByte: CommandType.CONTROL_NEW, sequenceN: 3 }));
out('v34_dp_query_new', p34.encode({ data: QUERY, commandByte: CommandType.DP_QUERY_NEW, sequenceN: 4 }));

// 3.5: tuyapi takes the IV from the clock: fix it.
const realNow = Date.now;
Date.now = () => 1700000000000;
out('v35_iv', Buffer.from((Date.now() * 10).toString().slice(0, 12)));
out('v35_neg_start', p35.encode({ data: LOCAL_NONCE, commandByte: CommandType.SESS_KEY_NEG_START, sequenceN: 1 }));
p35.cipher.setSessionKey(sess35);
out('v35_control_new', p35.encode({ data: SET34, commandByte: CommandType.CONTROL_NEW, sequenceN: 3 }));
Date.now = realNow;

// A 3.3-style encrypted discovery broadcast (port 6667): 55AA, cmd 0x13, return code 0, payload
// AES-128-ECB under MD5("yGAdlopoPVldABfn"), CRC-32 by tuyapi's CRC module.
const bcast = '{"ip":"192.168.1.23","gwId":"bf0001","active":2,"ability":0,"mode":0,"encrypt":true,"productKey":"keyabc","version":"3.3"}';
const c = crypto.createCipheriv('aes-128-ecb', UDP_KEY, null);
const enc = Buffer.concat([c.update(bcast, 'utf8'), c.final()]);
const head = Buffer.alloc(20);
head.writeUInt32BE(0x000055AA, 0);
head.writeUInt32BE(0, 4);
head.writeUInt32BE(0x13, 8);
head.writeUInt32BE(4 + enc.length + 8, 12);
head.writeUInt32BE(0, 16);
const body = Buffer.concat([head, enc]);
const trailer = Buffer.alloc(8);
trailer.writeInt32BE(crc(body), 0);
trailer.writeUInt32BE(0x0000AA55, 4);
out('udp_key', UDP_KEY);
out('discovery_ecb', Buffer.concat([body, trailer]));
