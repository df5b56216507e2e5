def test_world_builds(world):
    assert world.e_hutang.changes.count() == 1
    assert world.e_hutang.is_key_sector is True
    assert world.e_hutang2.is_key_sector is False
