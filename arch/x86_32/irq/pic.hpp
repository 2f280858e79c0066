// The legacy 8259A pair: the hypervisor uses the APICs, so the PICs are
// only remapped out of the exception range and masked for good.
#pragma once

namespace arch {

void pic_disable();

} // namespace arch
