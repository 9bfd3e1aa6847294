// Opt-in preload (start.sh with HEARTH_NR_TCP_NODELAY=1): disable Nagle's
// algorithm on every outgoing TCP socket of the Node-RED process.
//
// Stock Node-RED's MQTT client (mqtt.js) never calls setNoDelay and Node.js
// sockets default to Nagle on, so a QoS 1 flow (PUBACK immediately followed by
// the action's PUBLISH) can stall ~40 ms on the broker's delayed ACK. This is
// NOT a Node-RED setting a user can flip; it exists to separate that TCP effect
// from the engine's own cost. Default runs do not load it.
'use strict';
const net = require('net');
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
    this.setNoDelay(true);
    return connect.apply(this, args);
};
