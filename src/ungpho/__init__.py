"""ungpho — hệ thống thông tin ứng phó sự cố môi trường và bức xạ hạt nhân."""

__version__ = "0.1.0"
