"""The response workflow as pure logic: the phases of TT 12/2023 Phụ lục VII and what is
left of their checklists, and which activation packages fit an incident."""
