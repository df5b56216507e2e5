"""factory_boy factories of the territory and the users, and a test photo: what every app's tests
use. An app's own factories live with its tests (``tests/enterprises/factories.py``,
``tests/inspections/factories.py``)."""
import factory
from django.contrib.auth import get_user_model

from grid.models import GridCell, Region

PASSWORD = "Test-pass-2026!"


def region(name):
    return Region.objects.get(name=name)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"测试村{n}")
    level = Region.Level.VILLAGE
    code = factory.Sequence(lambda n: f"T{n:06d}")
    code_is_local = True


class GridCellFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GridCell

    name = factory.Sequence(lambda n: f"第{n}网格")
    code = factory.Sequence(lambda n: f"G{n:06d}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    role = "bureau_staff"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def cells(self, create, extracted, **kwargs):
        self.save()
        if extracted:
            self.grid_cells.set(extracted)


def jpeg(name="photo.jpg", size=(64, 48), colour=(200, 40, 40)):
    """A small real JPEG upload (the attachment validator reads the bytes, not the name)."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")
