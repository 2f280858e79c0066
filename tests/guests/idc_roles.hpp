// The roles of the interdomain test domU (idc_peer.cpp), each one side of
// a protocol its peer follows step by step over one event channel.
#pragma once
#include <cstdint>

#include "public/xen.h"

namespace idc {

struct Args {
    domid_t peer = 0;
    uint32_t port = 0; // pong: the peer's unbound port to bind
    uint32_t gref = 8; // first of the peer's three grants
    uint32_t rounds = 1000;
    uint32_t dom0_mfn = 0; // intruder: a frame of dom0's
    uint32_t peer_mfn = 0; // intruder: a frame of the sibling's
};

constexpr uint32_t rw_magic = 0x11110001, ro_magic = 0x22220002;
constexpr uint32_t pong_magic = 0x33330003, copy_magic = 0x44440004;
constexpr domid_t absent_domid = 7; // no such domain in the scenario

void run_ping(const Args& a);
void run_pong(const Args& a);
void run_intruder(const Args& a);
// The granter dom0 destroys while the copier copies from its grant.
void run_granter(const Args& a);
void run_copier(const Args& a);

} // namespace idc
