app_name = "talks"

urlpatterns = []
