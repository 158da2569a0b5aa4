package isa

// Op is pvmd's own dense numbering of PVM instructions. It is independent of
// the byte values a blob uses: a Numbering maps those bytes to an Op, so the
// interpreter, the gas model and the recompiler are written once for every
// Gray Paper version.
type Op uint8

const (
	Trap Op = iota
	Fallthrough
	Unlikely
	Ecalli
	LoadImm64
	StoreImmU8
	StoreImmU16
	StoreImmU32
	StoreImmU64
	Jump
	JumpInd
	LoadImm
	LoadU8
	LoadI8
	LoadU16
	LoadI16
	LoadU32
	LoadI32
	LoadU64
	StoreU8
	StoreU16
	StoreU32
	StoreU64
	StoreImmIndU8
	StoreImmIndU16
	StoreImmIndU32
	StoreImmIndU64
	LoadImmJump
	BranchEqImm
	BranchNeImm
	BranchLtUImm
	BranchLeUImm
	BranchGeUImm
	BranchGtUImm
	BranchLtSImm
	BranchLeSImm
	BranchGeSImm
	BranchGtSImm
	MoveReg
	Sbrk
	CountSetBits64
	CountSetBits32
	LeadingZeroBits64
	LeadingZeroBits32
	TrailingZeroBits64
	TrailingZeroBits32
	SignExtend8
	SignExtend16
	ZeroExtend16
	ReverseBytes
	StoreIndU8
	StoreIndU16
	StoreIndU32
	StoreIndU64
	LoadIndU8
	LoadIndI8
	LoadIndU16
	LoadIndI16
	LoadIndU32
	LoadIndI32
	LoadIndU64
	AddImm32
	AndImm
	XorImm
	OrImm
	MulImm32
	SetLtUImm
	SetLtSImm
	ShloLImm32
	ShloRImm32
	SharRImm32
	NegAddImm32
	SetGtUImm
	SetGtSImm
	ShloLImmAlt32
	ShloRImmAlt32
	SharRImmAlt32
	CmovIzImm
	CmovNzImm
	AddImm64
	MulImm64
	ShloLImm64
	ShloRImm64
	SharRImm64
	NegAddImm64
	ShloLImmAlt64
	ShloRImmAlt64
	SharRImmAlt64
	RotR64Imm
	RotR64ImmAlt
	RotR32Imm
	RotR32ImmAlt
	BranchEq
	BranchNe
	BranchLtU
	BranchLtS
	BranchGeU
	BranchGeS
	LoadImmJumpInd
	Add32
	Sub32
	Mul32
	DivU32
	DivS32
	RemU32
	RemS32
	ShloL32
	ShloR32
	SharR32
	Add64
	Sub64
	Mul64
	DivU64
	DivS64
	RemU64
	RemS64
	ShloL64
	ShloR64
	SharR64
	And
	Xor
	Or
	MulUpperSS
	MulUpperUU
	MulUpperSU
	SetLtU
	SetLtS
	CmovIz
	CmovNz
	RotL64
	RotL32
	RotR64
	RotR32
	AndInv
	OrInv
	Xnor
	Max
	MaxU
	Min
	MinU

	// NumOps is the number of defined Ops; valid Ops are below it.
	NumOps
)

// Format is how an instruction's operands are laid out after its opcode byte
// (spec notes §3).
type Format uint8

const (
	FmtNone Format = iota
	FmtImm
	FmtRegImm64
	FmtImmImm
	FmtOffset
	FmtRegImm
	FmtRegImmImm
	FmtRegImmOffset
	FmtRegReg
	FmtRegRegImm
	FmtRegRegOffset
	FmtRegRegImmImm
	FmtRegRegReg
)

type opInfo struct {
	name       string
	format     Format
	terminator bool
}

// ops describes every Op. The order of entries must follow the Op constants.
var ops = [NumOps]opInfo{
	Trap:               {"trap", FmtNone, true},
	Fallthrough:        {"fallthrough", FmtNone, true},
	Unlikely:           {"unlikely", FmtNone, false},
	Ecalli:             {"ecalli", FmtImm, false},
	LoadImm64:          {"load_imm_64", FmtRegImm64, false},
	StoreImmU8:         {"store_imm_u8", FmtImmImm, false},
	StoreImmU16:        {"store_imm_u16", FmtImmImm, false},
	StoreImmU32:        {"store_imm_u32", FmtImmImm, false},
	StoreImmU64:        {"store_imm_u64", FmtImmImm, false},
	Jump:               {"jump", FmtOffset, true},
	JumpInd:            {"jump_ind", FmtRegImm, true},
	LoadImm:            {"load_imm", FmtRegImm, false},
	LoadU8:             {"load_u8", FmtRegImm, false},
	LoadI8:             {"load_i8", FmtRegImm, false},
	LoadU16:            {"load_u16", FmtRegImm, false},
	LoadI16:            {"load_i16", FmtRegImm, false},
	LoadU32:            {"load_u32", FmtRegImm, false},
	LoadI32:            {"load_i32", FmtRegImm, false},
	LoadU64:            {"load_u64", FmtRegImm, false},
	StoreU8:            {"store_u8", FmtRegImm, false},
	StoreU16:           {"store_u16", FmtRegImm, false},
	StoreU32:           {"store_u32", FmtRegImm, false},
	StoreU64:           {"store_u64", FmtRegImm, false},
	StoreImmIndU8:      {"store_imm_ind_u8", FmtRegImmImm, false},
	StoreImmIndU16:     {"store_imm_ind_u16", FmtRegImmImm, false},
	StoreImmIndU32:     {"store_imm_ind_u32", FmtRegImmImm, false},
	StoreImmIndU64:     {"store_imm_ind_u64", FmtRegImmImm, false},
	LoadImmJump:        {"load_imm_jump", FmtRegImmOffset, true},
	BranchEqImm:        {"branch_eq_imm", FmtRegImmOffset, true},
	BranchNeImm:        {"branch_ne_imm", FmtRegImmOffset, true},
	BranchLtUImm:       {"branch_lt_u_imm", FmtRegImmOffset, true},
	BranchLeUImm:       {"branch_le_u_imm", FmtRegImmOffset, true},
	BranchGeUImm:       {"branch_ge_u_imm", FmtRegImmOffset, true},
	BranchGtUImm:       {"branch_gt_u_imm", FmtRegImmOffset, true},
	BranchLtSImm:       {"branch_lt_s_imm", FmtRegImmOffset, true},
	BranchLeSImm:       {"branch_le_s_imm", FmtRegImmOffset, true},
	BranchGeSImm:       {"branch_ge_s_imm", FmtRegImmOffset, true},
	BranchGtSImm:       {"branch_gt_s_imm", FmtRegImmOffset, true},
	MoveReg:            {"move_reg", FmtRegReg, false},
	Sbrk:               {"sbrk", FmtRegReg, false},
	CountSetBits64:     {"count_set_bits_64", FmtRegReg, false},
	CountSetBits32:     {"count_set_bits_32", FmtRegReg, false},
	LeadingZeroBits64:  {"leading_zero_bits_64", FmtRegReg, false},
	LeadingZeroBits32:  {"leading_zero_bits_32", FmtRegReg, false},
	TrailingZeroBits64: {"trailing_zero_bits_64", FmtRegReg, false},
	TrailingZeroBits32: {"trailing_zero_bits_32", FmtRegReg, false},
	SignExtend8:        {"sign_extend_8", FmtRegReg, false},
	SignExtend16:       {"sign_extend_16", FmtRegReg, false},
	ZeroExtend16:       {"zero_extend_16", FmtRegReg, false},
	ReverseBytes:       {"reverse_bytes", FmtRegReg, false},
	StoreIndU8:         {"store_ind_u8", FmtRegRegImm, false},
	StoreIndU16:        {"store_ind_u16", FmtRegRegImm, false},
	StoreIndU32:        {"store_ind_u32", FmtRegRegImm, false},
	StoreIndU64:        {"store_ind_u64", FmtRegRegImm, false},
	LoadIndU8:          {"load_ind_u8", FmtRegRegImm, false},
	LoadIndI8:          {"load_ind_i8", FmtRegRegImm, false},
	LoadIndU16:         {"load_ind_u16", FmtRegRegImm, false},
	LoadIndI16:         {"load_ind_i16", FmtRegRegImm, false},
	LoadIndU32:         {"load_ind_u32", FmtRegRegImm, false},
	LoadIndI32:         {"load_ind_i32", FmtRegRegImm, false},
	LoadIndU64:         {"load_ind_u64", FmtRegRegImm, false},
	AddImm32:           {"add_imm_32", FmtRegRegImm, false},
	AndImm:             {"and_imm", FmtRegRegImm, false},
	XorImm:             {"xor_imm", FmtRegRegImm, false},
	OrImm:              {"or_imm", FmtRegRegImm, false},
	MulImm32:           {"mul_imm_32", FmtRegRegImm, false},
	SetLtUImm:          {"set_lt_u_imm", FmtRegRegImm, false},
	SetLtSImm:          {"set_lt_s_imm", FmtRegRegImm, false},
	ShloLImm32:         {"shlo_l_imm_32", FmtRegRegImm, false},
	ShloRImm32:         {"shlo_r_imm_32", FmtRegRegImm, false},
	SharRImm32:         {"shar_r_imm_32", FmtRegRegImm, false},
	NegAddImm32:        {"neg_add_imm_32", FmtRegRegImm, false},
	SetGtUImm:          {"set_gt_u_imm", FmtRegRegImm, false},
	SetGtSImm:          {"set_gt_s_imm", FmtRegRegImm, false},
	ShloLImmAlt32:      {"shlo_l_imm_alt_32", FmtRegRegImm, false},
	ShloRImmAlt32:      {"shlo_r_imm_alt_32", FmtRegRegImm, false},
	SharRImmAlt32:      {"shar_r_imm_alt_32", FmtRegRegImm, false},
	CmovIzImm:          {"cmov_iz_imm", FmtRegRegImm, false},
	CmovNzImm:          {"cmov_nz_imm", FmtRegRegImm, false},
	AddImm64:           {"add_imm_64", FmtRegRegImm, false},
	MulImm64:           {"mul_imm_64", FmtRegRegImm, false},
	ShloLImm64:         {"shlo_l_imm_64", FmtRegRegImm, false},
	ShloRImm64:         {"shlo_r_imm_64", FmtRegRegImm, false},
	SharRImm64:         {"shar_r_imm_64", FmtRegRegImm, false},
	NegAddImm64:        {"neg_add_imm_64", FmtRegRegImm, false},
	ShloLImmAlt64:      {"shlo_l_imm_alt_64", FmtRegRegImm, false},
	ShloRImmAlt64:      {"shlo_r_imm_alt_64", FmtRegRegImm, false},
	SharRImmAlt64:      {"shar_r_imm_alt_64", FmtRegRegImm, false},
	RotR64Imm:          {"rot_r_64_imm", FmtRegRegImm, false},
	RotR64ImmAlt:       {"rot_r_64_imm_alt", FmtRegRegImm, false},
	RotR32Imm:          {"rot_r_32_imm", FmtRegRegImm, false},
	RotR32ImmAlt:       {"rot_r_32_imm_alt", FmtRegRegImm, false},
	BranchEq:           {"branch_eq", FmtRegRegOffset, true},
	BranchNe:           {"branch_ne", FmtRegRegOffset, true},
	BranchLtU:          {"branch_lt_u", FmtRegRegOffset, true},
	BranchLtS:          {"branch_lt_s", FmtRegRegOffset, true},
	BranchGeU:          {"branch_ge_u", FmtRegRegOffset, true},
	BranchGeS:          {"branch_ge_s", FmtRegRegOffset, true},
	LoadImmJumpInd:     {"load_imm_jump_ind", FmtRegRegImmImm, true},
	Add32:              {"add_32", FmtRegRegReg, false},
	Sub32:              {"sub_32", FmtRegRegReg, false},
	Mul32:              {"mul_32", FmtRegRegReg, false},
	DivU32:             {"div_u_32", FmtRegRegReg, false},
	DivS32:             {"div_s_32", FmtRegRegReg, false},
	RemU32:             {"rem_u_32", FmtRegRegReg, false},
	RemS32:             {"rem_s_32", FmtRegRegReg, false},
	ShloL32:            {"shlo_l_32", FmtRegRegReg, false},
	ShloR32:            {"shlo_r_32", FmtRegRegReg, false},
	SharR32:            {"shar_r_32", FmtRegRegReg, false},
	Add64:              {"add_64", FmtRegRegReg, false},
	Sub64:              {"sub_64", FmtRegRegReg, false},
	Mul64:              {"mul_64", FmtRegRegReg, false},
	DivU64:             {"div_u_64", FmtRegRegReg, false},
	DivS64:             {"div_s_64", FmtRegRegReg, false},
	RemU64:             {"rem_u_64", FmtRegRegReg, false},
	RemS64:             {"rem_s_64", FmtRegRegReg, false},
	ShloL64:            {"shlo_l_64", FmtRegRegReg, false},
	ShloR64:            {"shlo_r_64", FmtRegRegReg, false},
	SharR64:            {"shar_r_64", FmtRegRegReg, false},
	And:                {"and", FmtRegRegReg, false},
	Xor:                {"xor", FmtRegRegReg, false},
	Or:                 {"or", FmtRegRegReg, false},
	MulUpperSS:         {"mul_upper_s_s", FmtRegRegReg, false},
	MulUpperUU:         {"mul_upper_u_u", FmtRegRegReg, false},
	MulUpperSU:         {"mul_upper_s_u", FmtRegRegReg, false},
	SetLtU:             {"set_lt_u", FmtRegRegReg, false},
	SetLtS:             {"set_lt_s", FmtRegRegReg, false},
	CmovIz:             {"cmov_iz", FmtRegRegReg, false},
	CmovNz:             {"cmov_nz", FmtRegRegReg, false},
	RotL64:             {"rot_l_64", FmtRegRegReg, false},
	RotL32:             {"rot_l_32", FmtRegRegReg, false},
	RotR64:             {"rot_r_64", FmtRegRegReg, false},
	RotR32:             {"rot_r_32", FmtRegRegReg, false},
	AndInv:             {"and_inv", FmtRegRegReg, false},
	OrInv:              {"or_inv", FmtRegRegReg, false},
	Xnor:               {"xnor", FmtRegRegReg, false},
	Max:                {"max", FmtRegRegReg, false},
	MaxU:               {"max_u", FmtRegRegReg, false},
	Min:                {"min", FmtRegRegReg, false},
	MinU:               {"min_u", FmtRegRegReg, false},
}

// String is the instruction's Gray Paper mnemonic.
func (o Op) String() string {
	if o < NumOps {
		return ops[o].name
	}
	return "invalid"
}

// Format is the operand layout of o.
func (o Op) Format() Format { return ops[o].format }

// IsTerminator reports whether o ends a basic block (the GP's set T).
func (o Op) IsTerminator() bool { return ops[o].terminator }

// IsBranch reports whether o is a conditional branch (register or immediate form).
func (o Op) IsBranch() bool {
	return (o >= BranchEqImm && o <= BranchGtSImm) || (o >= BranchEq && o <= BranchGeS)
}
